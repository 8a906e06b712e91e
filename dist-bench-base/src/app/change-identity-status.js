import { AppError } from '../domain/errors.js';
import { endGrantsForChange, UNENDED_STATES } from './end-grants.js';
import { openGovernanceFinding, resolveGovernanceFinding } from './governance-findings.js';
import { recordAudit, requireIdentity } from './load.js';
/**
 * An identity's status changes (an admin, or SCIM deprovisioning). Leaving `active` is a context
 * change (T40 b): every grant where it is the subject or the requester ends now, and the NHIs it
 * owns are flagged orphaned; their grants are revoked too unless the configuration holds them.
 */
export async function changeIdentityStatus(deps, actor, identityId, status, 
/** Where the change came from (`admin`, `scim`…); defaults to the actor. */
source = actor) {
    const now = deps.clock.now();
    const { before, after } = await deps.store.transaction(async (tx) => {
        const current = await requireIdentity(tx, identityId);
        if (current.status === status)
            return { before: current, after: current };
        const next = { ...current, status, updatedAt: now, version: current.version + 1 };
        if (!(await tx.identities.update(next, current.version))) {
            throw new AppError('identity.concurrent_update', 'The identity changed meanwhile; try again');
        }
        await recordAudit(tx, deps, {
            type: 'identity.status_changed',
            actor,
            data: { identityId, from: current.status, to: status, source },
        });
        return { before: current, after: next };
    });
    if (before.status === status)
        return { identity: after, revoked: [], orphaned: [] };
    if (status === 'active') {
        // Back at work: the NHIs it owns have an accountable owner again.
        for (const nhi of await deps.store.identities.list({ ownerId: identityId })) {
            const reason = `owner ${identityId} is active again`;
            await resolveGovernanceFinding(deps, 'orphaned_nhi', `nhi:${nhi.id}`, reason, actor);
        }
        return { identity: after, revoked: [], orphaned: [] };
    }
    const change = { change: 'identity_status', identityId, from: before.status, to: status, source };
    const revoked = await endGrantsForChange(deps, await grantsInvolving(deps, identityId), 'context_change', actor, change);
    const orphaned = [];
    for (const nhi of await deps.store.identities.list({ ownerId: identityId })) {
        if (nhi.kind === 'human')
            continue;
        orphaned.push(nhi.id);
        await flagOrphan(deps, nhi, after, actor);
        if (deps.settings.governance.orphanedNhiGrants === 'revoke') {
            const held = await deps.store.grants.list({ subjectId: nhi.id, states: UNENDED_STATES });
            revoked.push(...(await endGrantsForChange(deps, held, 'context_change', actor, {
                ...change,
                orphanedNhi: nhi.id,
            })));
        }
    }
    deps.log.info({ identityId, from: before.status, to: status, revoked: revoked.length, orphaned }, 'identity status changed');
    return { identity: after, revoked, orphaned };
}
/** Grants the identity holds (as subject) or asked for (as requester, e.g. for an NHI it owns). */
export async function grantsInvolving(deps, identityId) {
    const held = await deps.store.grants.list({ subjectId: identityId, states: UNENDED_STATES });
    const asked = [];
    for (const r of await deps.store.requests.list({
        requesterId: identityId,
        states: ['approved'],
        limit: 10_000,
    })) {
        asked.push(...(await deps.store.grants.list({ requestId: r.id, states: UNENDED_STATES })));
    }
    return [...held, ...asked];
}
export async function flagOrphan(deps, nhi, owner, actor) {
    await openGovernanceFinding(deps, {
        kind: 'orphaned_nhi',
        key: `nhi:${nhi.id}`,
        principal: nhi.id,
        details: {
            reason: owner ? `owner ${owner.id} is ${owner.status}` : 'owner is missing',
            ownerId: nhi.ownerId,
            ownerStatus: owner?.status ?? null,
            purpose: nhi.purpose,
            policy: deps.settings.governance.orphanedNhiGrants,
        },
    }, actor);
}
