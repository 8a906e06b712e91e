import { detectExceptionDrift } from './detect-exception-drift.js';
import { endGrantsForChange, UNENDED_STATES } from './end-grants.js';
import { escalateOverdueBreakGlass } from './review-break-glass.js';
/**
 * The governance half of the engine's sweep: escalate overdue break-glass reviews, raise exception
 * drift, and — the backstop for a status change interrupted half-way (I2) — end any grant still
 * held by an identity that is no longer active. Each part runs even if another fails.
 */
export async function runGovernanceSweep(deps) {
    const result = { escalated: 0, driftOpened: 0, revoked: 0 };
    await step(deps, 'break-glass escalation', async () => {
        result.escalated = await escalateOverdueBreakGlass(deps);
    });
    await step(deps, 'exception drift', async () => {
        result.driftOpened = await detectExceptionDrift(deps);
    });
    await step(deps, 'inactive holders', async () => {
        for (const grant of await deps.store.grants.listHeldByInactiveSubjects(UNENDED_STATES, 200)) {
            const change = { change: 'identity_status', identityId: grant.subjectId, source: 'sweep' };
            result.revoked += (await endGrantsForChange(deps, [grant], 'context_change', 'system:governance', change)).length;
        }
    });
    return result;
}
async function step(deps, name, fn) {
    try {
        await fn();
    }
    catch (error) {
        deps.log.error({ err: error, step: name }, 'governance sweep step failed');
    }
}
