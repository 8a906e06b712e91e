import { activateGrant } from './activate-grant.js';
import { lapseRequests } from './cancel-request.js';
import { executeRevocation } from './revoke-grant.js';
/**
 * One pass of the lifecycle worker: lapse unreviewed requests, issue scheduled grants, revoke
 * due ones and retry failures. Revocations run first: ending access outranks granting it (T38).
 * The timer-driven engine calls this as its backstop; tests call it after moving the clock.
 */
export async function runDueWork(deps, limit = 200, options = {}) {
    const now = deps.clock.now();
    let revoked = 0;
    // The engine queues revocations itself and passes false: a pass here would revoke one at a
    // time what its batches already hold, after sorting every overdue grant to find them.
    const revocable = options.revocations === false ? [] : await deps.store.grants.listRevocable(now, limit);
    for (const grant of revocable) {
        const done = await safely(deps, grant.id, () => executeRevocation(deps, grant.id));
        if (done?.state === 'revoked')
            revoked++;
    }
    let issued = 0;
    for (const grant of await deps.store.grants.listIssuable(now, limit)) {
        const done = await safely(deps, grant.id, () => activateGrant(deps, grant.id));
        if (done?.state === 'active')
            issued++;
    }
    const lapsed = await lapseRequests(deps, limit);
    return { lapsed, issued, revoked };
}
/** One grant's failure must not stop the pass for the others. */
async function safely(deps, grantId, fn) {
    try {
        return await fn();
    }
    catch (error) {
        deps.log.error({ grantId, err: error }, 'lifecycle step failed');
        return null;
    }
}
