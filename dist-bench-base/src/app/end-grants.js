import { endGrant, executeRevocation } from './revoke-grant.js';
/** States in which a grant has not ended yet and a change can still end it. */
export const UNENDED_STATES = [
    'scheduled',
    'issuing',
    'issue_failed',
    'active',
];
/**
 * Ends each grant for one change and revokes it on its target now. Each grant commits on its own:
 * one failure does not keep the others' access alive (a failed revocation is retried by the
 * lifecycle sweep, as any other). Returns the ids of the grants this call ended.
 */
export async function endGrantsForChange(deps, grants, reason, actor, cause) {
    const ended = [];
    const seen = new Set();
    for (const grant of grants) {
        if (seen.has(grant.id) || !UNENDED_STATES.includes(grant.state))
            continue;
        seen.add(grant.id);
        try {
            const next = await endGrant(deps, grant.id, reason, actor, cause);
            ended.push(grant.id);
            if (next.state === 'revoking')
                await executeRevocation(deps, grant.id);
        }
        catch (error) {
            deps.log.error({ grantId: grant.id, err: error, cause }, 'could not end a grant after a change');
        }
    }
    if (ended.length > 0)
        deps.log.info({ reason, cause, grants: ended }, 'grants ended by a change');
    return ended;
}
