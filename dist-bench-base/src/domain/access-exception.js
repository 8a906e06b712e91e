import { AppError } from './errors.js';
export const MAX_EXCEPTION_SECONDS = 90 * 86400;
export function isExceptionActive(e, now) {
    return e.revokedAt === null && e.expiresAt.getTime() > now.getTime();
}
export function assertScope(scope) {
    if (scope.identityId === null && scope.entitlementId === null && scope.policyId === null) {
        throw new AppError('input.invalid', 'An exception names at least an identity, an entitlement or a policy');
    }
}
/**
 * The approver never benefits: not the identity it names, not the owner of an NHI it names
 * (owning the subject is self-interest, as for reviews), and always an active person.
 */
export function assertExceptionApprover(approver, beneficiary) {
    if (approver.kind !== 'human' || approver.status !== 'active') {
        throw new AppError('auth.forbidden', 'Only an active person can approve an exception');
    }
    if (beneficiary && (beneficiary.id === approver.id || beneficiary.ownerId === approver.id)) {
        throw new AppError('exception.self_approval_forbidden', 'The beneficiary of an exception (or the owner of the NHI it names) cannot approve it');
    }
}
/**
 * The active exceptions a decision may see: their scope matches the subject and entitlement, and
 * their approver is not a party to it — an exception that names nobody must not let its own
 * approver through either.
 */
export function applicableExceptions(all, parties, now) {
    const interested = new Set([parties.principalId, parties.subject.id, parties.subject.ownerId]);
    return all.filter((e) => isExceptionActive(e, now) &&
        (e.scope.identityId === null || e.scope.identityId === parties.subject.id) &&
        (e.scope.entitlementId === null || e.scope.entitlementId === parties.entitlementId) &&
        !interested.has(e.approverId));
}
/**
 * What the policy sees of one exception: a token for what its scope pinned — `identity`,
 * `entitlement`, `identity+entitlement`, or `policy:<id>` for an exception about one policy
 * (its identity and entitlement then only narrow where it applies).
 */
export function scopeToken(scope) {
    if (scope.policyId !== null)
        return `policy:${scope.policyId}`;
    const named = [
        scope.identityId !== null ? 'identity' : null,
        scope.entitlementId !== null ? 'entitlement' : null,
    ];
    return named.filter((n) => n !== null).join('+');
}
/** The context's `exceptions` set: every applicable exception's id and scope token. */
export function exceptionContext(list) {
    return [...new Set(list.flatMap((e) => [e.id, scopeToken(e.scope)]))].sort();
}
/**
 * Exception drift: an exception renewed again and again, or one that carries a large share of an
 * entitlement's grants, has become the rule and belongs in policy (or should end).
 */
export function exceptionDrift(e, share, settings) {
    if (e.renewals > settings.maxRenewals) {
        return { reason: 'renewed repeatedly', renewals: e.renewals, maxRenewals: settings.maxRenewals };
    }
    if (share &&
        share.grants >= settings.minGrants &&
        share.uses / share.grants > settings.maxShare) {
        return { reason: 'carries a large share of the grants', ...share, maxShare: settings.maxShare };
    }
    return null;
}
