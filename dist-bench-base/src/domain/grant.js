export const GRANT_STATES = [
    'scheduled',
    'issuing',
    'issue_failed',
    'active',
    'revoking',
    'revoke_failed',
    'revoked',
    'irrevocable',
];
export const REVOKE_REASONS = [
    'expired',
    'manual',
    'completed',
    'cancelled',
    'ticket_closed',
    'context_change',
    'activation_denied',
    'issue_failed',
    'superseded',
];
export const VERIFICATION_RESULTS = ['gone', 'still_live', 'not_supported', 'not_issued'];
const ALLOWED = {
    scheduled: ['issuing', 'revoking', 'revoked'],
    issuing: ['active', 'issue_failed', 'revoking', 'issuing'],
    issue_failed: ['issuing', 'revoking'],
    // Straight to `revoked` (no `revoking` claim) only where the revocation is a write in the same
    // transaction (the jwt revocation list, or a grant never issued): see execute-revocations.ts.
    active: ['revoking', 'revoked'],
    revoking: ['revoked', 'revoke_failed', 'irrevocable', 'revoking'],
    revoke_failed: ['revoking', 'revoked'],
    revoked: [],
    irrevocable: ['revoking', 'revoked'],
};
export function canTransitionGrant(from, to) {
    return ALLOWED[from].includes(to);
}
/** States in which access may exist on the target and a revocation must eventually run. */
export function mayHoldAccess(state) {
    return state === 'issuing' || state === 'active' || state === 'issue_failed' || state === 'revoking' || state === 'revoke_failed' || state === 'irrevocable';
}
export function isTerminalGrantState(state) {
    return state === 'revoked';
}
/**
 * Exponential backoff with full jitter, capped. `random` is in [0, 1) and comes from the caller
 * so tests control it.
 */
export function backoffMs(attempt, baseMs, capMs, random) {
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.floor(ceiling / 2 + (ceiling / 2) * random);
}
/** Target-side name derived from the grant id: prefix + allow-listed characters only. */
export function targetNameFor(grantId) {
    const safe = grantId.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    return `hg_${safe}`.slice(0, 63);
}
