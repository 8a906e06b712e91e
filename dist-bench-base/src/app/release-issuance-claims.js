import { casGrant } from './grant-transitions.js';
/**
 * Gives up claims this worker holds but will not act on (it is stopping): the grants stay
 * `issuing` with no lease, which the next sweep of any node resumes. A claim that changed
 * meanwhile is someone else's already; a failure leaves the lease to run out, as after a crash.
 */
export async function releaseIssuanceClaims(deps, claimed) {
    for (const grant of claimed) {
        try {
            await deps.store.transaction((tx) => casGrant(tx, grant, { leaseOwner: null, leaseUntil: null }));
        }
        catch (error) {
            deps.log.warn({ grantId: grant.id, err: error }, 'could not release an issuance claim; its lease will run out');
        }
    }
}
