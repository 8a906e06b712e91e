import { exceptionDrift } from '../domain/access-exception.js';
import { openGovernanceFinding } from './governance-findings.js';
/**
 * Run on every engine sweep: an active exception renewed more often in a row than allowed, or one
 * carrying more than the allowed share of its entitlement's grants within the window, has become
 * the rule rather than the exception and is raised as an `exception_drift` finding.
 */
export async function detectExceptionDrift(deps) {
    const now = deps.clock.now();
    const settings = deps.settings.governance.exceptions;
    const since = new Date(now.getTime() - settings.windowSeconds * 1000);
    let opened = 0;
    for (const e of await deps.store.exceptions.list({ activeAt: now, limit: 10_000 })) {
        const share = e.scope.entitlementId !== null
            ? await deps.store.exceptions.usageSince(e.id, e.scope.entitlementId, since)
            : null;
        const drift = exceptionDrift(e, share, settings);
        if (!drift)
            continue;
        const result = await openGovernanceFinding(deps, {
            kind: 'exception_drift',
            key: `exception:${e.id}`,
            principal: e.scope.identityId ?? e.scope.entitlementId ?? e.scope.policyId ?? e.id,
            details: {
                ...drift,
                exceptionId: e.id,
                scope: e.scope,
                approverId: e.approverId,
                renewedFrom: e.renewedFrom,
            },
        }, 'system:governance');
        if (result.opened) {
            opened++;
            deps.log.warn({ exceptionId: e.id, ...drift }, 'exception drift');
        }
    }
    return opened;
}
