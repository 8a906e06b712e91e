import { AppError } from '../domain/errors.js';
import { executeRevocations } from './execute-revocations.js';
import { casGrant } from './grant-transitions.js';
import { isAdmin, recordAudit, requireEntitlement, requireGrant, requireRequest } from './load.js';
/**
 * Asks for a grant to end now. The state change commits first; the target call runs after,
 * in `executeRevocation`, so a crash in between leaves a `revoking` grant that any worker resumes.
 */
export async function requestRevocation(deps, actor, grantId, reason) {
    const grant = await requireGrant(deps.store, grantId);
    await assertMayEnd(deps, actor, grant, reason);
    const ended = await endGrant(deps, grantId, reason, actor.id);
    if (ended.state === 'revoking')
        await executeRevocation(deps, grantId);
    return requireGrant(deps.store, grantId);
}
async function assertMayEnd(deps, actor, grant, reason) {
    const request = await requireRequest(deps.store, grant.requestId);
    const isHolder = actor.id === grant.subjectId || actor.id === request.requesterId;
    if (reason === 'completed') {
        if (!isHolder)
            throw new AppError('auth.forbidden', 'Only the holder can complete a grant');
        return;
    }
    const entitlement = await requireEntitlement(deps.store, grant.entitlementId);
    if (isHolder || entitlement.owners.includes(actor.id))
        return;
    if (isAdmin(actor, deps.settings.adminGroup))
        return;
    throw new AppError('auth.forbidden', 'Only the holder, an owner or an admin can revoke a grant');
}
/**
 * Marks a grant for revocation with a reason (idempotent). A grant never issued ends at once;
 * one being issued right now is flagged, and its issuer hands it to revocation when it commits.
 * `cause` says which change caused it (a closed ticket, an offboarding, a policy reload…) and is
 * recorded with the revocation.
 */
export async function endGrant(deps, grantId, reason, actor, cause) {
    const now = deps.clock.now();
    const result = await deps.store.transaction(async (tx) => {
        const g = await requireGrant(tx, grantId);
        const base = { revokeReason: reason, revokeDueAt: now };
        let next;
        switch (g.state) {
            case 'scheduled':
                next = await casGrant(tx, g, {
                    ...base,
                    state: 'revoked',
                    revokedAt: now,
                    revocationLagMs: 0,
                    verification: 'not_issued',
                });
                break;
            case 'issuing':
                next = g.revokeDueAt ? g : await casGrant(tx, g, base);
                break;
            case 'issue_failed':
            case 'active':
                next = await casGrant(tx, g, { ...base, state: 'revoking', leaseOwner: null, leaseUntil: null });
                break;
            case 'revoking':
            case 'revoke_failed':
            case 'irrevocable':
            case 'revoked':
                return g;
        }
        if (!next)
            throw new AppError('grant.concurrent_update', 'The grant changed; try again');
        await recordAudit(tx, deps, {
            type: next.state === 'revoked' ? 'grant.revoked' : 'grant.revocation_requested',
            actor,
            requestId: g.requestId,
            grantId,
            data: {
                reason,
                fromState: g.state,
                verification: next.verification,
                ...(cause !== undefined ? { cause } : {}),
            },
        });
        return next;
    });
    if (result.state === 'revoking')
        deps.signals.revocationRequested(grantId);
    return result;
}
/**
 * Claims a due grant, revokes it on the target, verifies access is gone, and records the outcome
 * (a batch of one: see executeRevocations). Several processes may call this for the same grant:
 * compare-and-swap lets exactly one proceed. Returns the grant as it ended, or null when there
 * was nothing (more) to do here.
 */
export async function executeRevocation(deps, grantId) {
    const [ended] = await executeRevocations(deps, [grantId]);
    return ended ?? null;
}
