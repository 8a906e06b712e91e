import { AppError } from './errors.js';
import { effectiveApprovals } from './obligations.js';
export const VERDICTS = ['approve', 'deny'];
/**
 * Separation of duties, checked before policy: these hold whatever the policy says.
 * `requesterOwnedIds` are the NHIs owned by the requester.
 */
export function assertSeparationOfDuties(request, reviewer, subject) {
    if (reviewer.kind !== 'human') {
        throw new AppError('review.reviewer_not_human', 'Only a person can review an access request');
    }
    if (reviewer.id === request.requesterId) {
        throw new AppError('review.self_review_forbidden', 'A requester cannot review their own request');
    }
    if (reviewer.id === request.subjectId) {
        throw new AppError('review.subject_review_forbidden', 'The subject of a request cannot review it');
    }
    // An NHI owned by the reviewer benefits the reviewer: owning the subject is self-interest.
    if (subject.ownerId !== null && subject.ownerId === reviewer.id) {
        throw new AppError('review.owned_nhi_review_forbidden', 'The owner of the subject identity cannot review a request for it');
    }
    if (reviewer.status !== 'active') {
        throw new AppError('identity.inactive', 'The reviewer is not active');
    }
}
/**
 * Deny wins: one denial decides, whatever approvals exist. Approvals count distinct reviewers
 * (duplicates count once); owner and group requirements must each be met by some approver.
 */
export function tallyReviews(request, reviews) {
    const denial = reviews.find((r) => r.verdict === 'deny');
    if (denial)
        return { outcome: 'denied', by: denial.reviewerId };
    const approvals = new Map();
    for (const r of reviews)
        if (r.verdict === 'approve')
            approvals.set(r.reviewerId, r);
    const distinct = [...approvals.values()];
    const o = request.obligations;
    const missing = [];
    if (o.ownerApproval && !distinct.some((r) => r.reviewerIsOwner))
        missing.push('owner');
    for (const group of o.approverGroups) {
        if (!distinct.some((r) => r.reviewerGroups.includes(group)))
            missing.push(`group:${group}`);
    }
    const needed = effectiveApprovals(o);
    const remaining = Math.max(needed - distinct.length, missing.length);
    if (remaining <= 0 && missing.length === 0)
        return { outcome: 'approved' };
    return { outcome: 'pending', remaining: Math.max(remaining, 1), missing };
}
/** Who may be named in advance as a reviewer of a request for this entitlement. */
export function isOwnerOf(entitlement, identityId) {
    return entitlement.owners.includes(identityId);
}
