import { AppError } from './errors.js';
export const POST_USE_VERDICTS = ['justified', 'unjustified'];
export const POST_USE_REVIEW_STATES = ['pending', 'overdue', 'done'];
/** Incident references share the ticket-key charset: they are shown to reviewers and exported. */
export const INCIDENT_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._#:/-]{0,127}$/;
export const MIN_BREAK_GLASS_REASON = 20;
/** Done once reviewed; otherwise overdue from the deadline on (an exact instant, inclusive). */
export function postUseReviewState(review, now) {
    if (review.reviewedAt !== null)
        return 'done';
    return review.dueAt.getTime() <= now.getTime() ? 'overdue' : 'pending';
}
/**
 * Checks the break-glass inputs before anything is decided: an incident reference in the
 * ticket-key charset and a reason long enough to mean something.
 */
export function assertBreakGlassInput(input) {
    const incident = input.incidentRef?.trim() ?? '';
    if (!INCIDENT_REF_PATTERN.test(incident)) {
        throw new AppError('breakglass.incident_required', 'Break-glass needs an incident reference like INC-123');
    }
    if (input.reason.trim().length < MIN_BREAK_GLASS_REASON) {
        throw new AppError('breakglass.reason_required', `Break-glass needs a reason of at least ${MIN_BREAK_GLASS_REASON} characters`, { details: { minLength: MIN_BREAK_GLASS_REASON } });
    }
    return incident;
}
/**
 * The hard cap: break-glass never waits for a reviewer to shorten it, so the asked duration is
 * clamped to the policy's and the catalog's maximum rather than refused.
 */
export function capBreakGlassDuration(asked, entitlementMaxSeconds, policyMaxSeconds) {
    const cap = Math.min(entitlementMaxSeconds, policyMaxSeconds ?? entitlementMaxSeconds);
    return Math.min(asked ?? cap, cap);
}
/**
 * Who may review a break-glass use: a person, active, never the user (nor, for an NHI user, its
 * owner), and accountable for the access: an owner of the entitlement or a member of the
 * security group.
 */
export function assertPostUseReviewer(review, reviewer, user, entitlement, securityGroup) {
    if (reviewer.kind !== 'human') {
        throw new AppError('review.reviewer_not_human', 'Only a person can review a break-glass use');
    }
    if (reviewer.id === review.userId || (user.ownerId !== null && user.ownerId === reviewer.id)) {
        throw new AppError('review.self_review_forbidden', 'A break-glass use must be reviewed by someone other than its user');
    }
    if (reviewer.status !== 'active') {
        throw new AppError('identity.inactive', 'The reviewer is not active');
    }
    if (!entitlement.owners.includes(reviewer.id) && !reviewer.groups.includes(securityGroup)) {
        throw new AppError('review.not_eligible', `Only an owner of the entitlement or a member of ${securityGroup} can review a break-glass use`);
    }
}
