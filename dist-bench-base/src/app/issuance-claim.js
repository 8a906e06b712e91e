import { recordAudit } from './load.js';
/** What claiming a grant for issuance changes: one more attempt, leased to this worker. */
export function issuanceClaim(deps, grant, now) {
    return {
        state: 'issuing',
        issueAttempts: grant.issueAttempts + 1,
        leaseOwner: deps.settings.workerId,
        leaseUntil: new Date(now.getTime() + deps.settings.leaseMs),
    };
}
/** The audit record of a claim, in the transaction that commits it. */
export async function recordIssuanceClaim(tx, deps, claimed) {
    await recordAudit(tx, deps, {
        type: 'grant.issuing',
        actor: `system:${deps.settings.workerId}`,
        requestId: claimed.requestId,
        grantId: claimed.id,
        data: { attempt: claimed.issueAttempts, targetName: claimed.targetName },
    });
}
/**
 * A grant handed over by its submission is issued without a claim of its own only while its
 * lease still covers a whole connector call; otherwise it is left to the sweep like any other.
 */
export function usableHandoff(deps, grant, now) {
    const t = now.getTime();
    return (grant.state === 'issuing' &&
        grant.leaseOwner === deps.settings.workerId &&
        grant.leaseUntil !== null &&
        grant.leaseUntil.getTime() - t > deps.settings.connectorTimeoutMs &&
        grant.revokeDueAt === null &&
        grant.expiresAt.getTime() > t);
}
