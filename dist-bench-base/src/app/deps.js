export const NO_SIGNALS = {
    grantScheduled: () => undefined,
    grantActivated: () => undefined,
    revocationRequested: () => undefined,
    grantIrrevocable: () => undefined,
    grantRevoked: () => undefined,
    breakGlassUsed: () => undefined,
    breakGlassReviewOverdue: () => undefined,
};
