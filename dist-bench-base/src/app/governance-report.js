import { computeGovernanceReport } from '../domain/compute-governance-report.js';
import { AppError } from '../domain/errors.js';
import { resolveReportPeriod } from '../domain/report-period.js';
import { isAdmin } from './load.js';
/** Admins and the security group read the report: it names every entitlement and target. */
export function mayReadReport(actor, deps) {
    return (isAdmin(actor, deps.settings.adminGroup) ||
        (actor.kind === 'human' &&
            actor.groups.includes(deps.settings.governance.breakGlass.securityGroup)));
}
/**
 * The governance report for a period (docs/reports.md): reads the period's facts through the
 * read-only report port and computes the outcomes with the pure domain function.
 */
export async function buildGovernanceReport(deps, actor, input) {
    if (!mayReadReport(actor, deps)) {
        throw new AppError('auth.forbidden', 'Only admins and the security group can read the governance report');
    }
    const generatedAt = deps.clock.now();
    const { from, to } = resolveReportPeriod(input, generatedAt);
    const { reports, catalog } = deps.store;
    const entitlements = await catalog.listEntitlements();
    const targets = await catalog.listTargets();
    const facts = {
        period: { from, to },
        generatedAt,
        entitlements: entitlements.map((e) => ({
            id: e.id,
            targetId: e.targetId,
            riskTier: e.riskTier,
        })),
        requests: await reports.requestsSubmitted(from, to),
        decisions: await reports.decisions(from, to),
        grants: await reports.grants(from, to),
        approvals: await reports.approvals(from, to),
        rejections: await reports.rejections(from, to),
        residuals: await reports.residuals(from, to),
        breakGlass: await reports.breakGlass(from, to),
        exceptions: await reports.exceptions(from, to),
        reconciliations: await reports.latestReconciliations(to, targets.map((t) => t.id)),
        openFindings: await reports.openFindings(to),
    };
    return computeGovernanceReport(facts);
}
