import { recheckPolicy } from './activate-grant.js';
import { endGrantsForChange } from './end-grants.js';
import { recordAudit } from './load.js';
/**
 * Decide with fresh data on a context change (I7): every active grant given is checked again as
 * at issuance (`activate`, fresh identities, the bundle and exceptions in force now), and those
 * no longer permitted are revoked with reason `context_change` and the change that caused it.
 */
export async function recheckGrants(deps, grants, change, actor) {
    const failing = [];
    const reasons = new Map();
    let checked = 0;
    for (const grant of grants) {
        if (grant.state !== 'active')
            continue;
        checked++;
        try {
            const check = await recheckPolicy(deps, grant);
            if (check.allowed)
                continue;
            failing.push(grant);
            reasons.set(grant.id, check.evidence);
        }
        catch (error) {
            // Missing data (a deleted entitlement) means the grant cannot be justified any more.
            failing.push(grant);
            reasons.set(grant.id, { error: error instanceof Error ? error.message : 'recheck failed' });
        }
    }
    const revoked = [];
    for (const grant of failing) {
        const cause = { ...change, decision: reasons.get(grant.id) };
        revoked.push(...(await endGrantsForChange(deps, [grant], 'context_change', actor, cause)));
    }
    if (checked > 0) {
        await deps.store.transaction((tx) => recordAudit(tx, deps, {
            type: 'grants.rechecked',
            actor,
            data: { ...change, checked, revoked },
        }));
    }
    return { checked, revoked };
}
/** The active grants a change may affect (all of them for a policy reload). */
export async function activeGrants(deps, filter = {}) {
    return deps.store.grants.list({ ...filter, states: ['active'], limit: 100_000 });
}
