import { effectiveApprovals } from '../domain/obligations.js';
import { decideRequest } from './request-decision.js';
/**
 * What submitting would decide, without recording anything: no request, no audit event and no
 * exception use, so looking before submitting leaves no trace and cannot spend an exception.
 */
export async function previewRequest(deps, requester, input) {
    const d = await decideRequest(deps, requester, input);
    const approvalsNeeded = d.decision.allowed ? effectiveApprovals(d.decision.obligations) : 0;
    const reviewers = await Promise.all(d.eligibleReviewers.map(async (id) => ({
        id,
        displayName: (await deps.store.identities.get(id))?.displayName ?? id,
    })));
    return {
        allowed: d.decision.allowed,
        autoApproved: d.autoApproved,
        reasons: d.decision.reasons,
        obligations: { ...d.decision.obligations, approvalsNeeded, dualApproval: approvalsNeeded >= 2 },
        eligibleReviewers: reviewers,
        duration: {
            requested: input.durationSeconds ?? null,
            granted: d.durationSeconds,
            // Submit refuses a duration over either maximum rather than shortening it, so the only
            // difference shown is the catalog default standing in for an unstated duration.
            clampedBecause: input.durationSeconds === undefined ? 'no duration given: the catalog default applies' : null,
        },
        policyHash: d.decision.policyHash,
        determiningPolicies: d.decision.determiningPolicies,
    };
}
