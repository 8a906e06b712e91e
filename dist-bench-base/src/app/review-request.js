import { requestDigest } from '../domain/access-request.js';
import { AppError } from '../domain/errors.js';
import { assertSeparationOfDuties, isOwnerOf, tallyReviews, } from '../domain/review.js';
import { decisionContext, recordAudit, requireEntitlement, requireIdentity, requireRequest, requireTarget } from './load.js';
import { approveWithGrant, decisionEvidence, newGrant } from './submit-request.js';
/**
 * Records one reviewer's verdict. Separation of duties holds whatever the policy says; the
 * reviewer must have been named at submission and be eligible by policy now; deny wins.
 */
export async function reviewRequest(deps, reviewer, requestId, input) {
    const { store, clock } = deps;
    const request = await requireRequest(store, requestId);
    if (request.state !== 'pending') {
        throw new AppError('request.not_pending', `Request is ${request.state}; reviews are closed`);
    }
    if (requestDigest(request) !== request.digest) {
        // The stored fields no longer match what was submitted: never approve such a request.
        throw new AppError('review.digest_mismatch', 'Request fields do not match their digest');
    }
    if (input.digest !== undefined && input.digest !== request.digest) {
        throw new AppError('review.digest_mismatch', 'The request you reviewed is not this request', {
            details: { expected: request.digest },
        });
    }
    const subject = await requireIdentity(store, request.subjectId);
    try {
        assertSeparationOfDuties(request, reviewer, subject);
    }
    catch (error) {
        await recordRejection(deps, reviewer, request, error);
        throw error;
    }
    const existing = (await store.reviews.listForRequest(request.id)).find((r) => r.reviewerId === reviewer.id);
    if (existing) {
        if (existing.verdict === input.verdict) {
            return { review: existing, request, tally: tallyReviews(request, []), grant: null };
        }
        throw new AppError('review.duplicate', 'You have already reviewed this request');
    }
    if (!request.eligibleReviewers.includes(reviewer.id)) {
        await recordRejection(deps, reviewer, request, new Error('not named as a reviewer'));
        throw new AppError('review.not_eligible', 'You are not a named reviewer of this request');
    }
    const entitlement = await requireEntitlement(store, request.entitlementId);
    const target = await requireTarget(store, entitlement.targetId);
    const now = clock.now();
    const decision = await deps.policy.decide({
        action: 'review',
        principal: reviewer,
        entitlement,
        target,
        subject,
        request,
        context: decisionContext(request, now),
    });
    if (!decision.allowed) {
        await recordRejection(deps, reviewer, request, new Error(decision.reasons.join('; ')));
        throw new AppError('review.not_eligible', 'Policy does not let you review this request', {
            details: { reasons: decision.reasons, policyHash: decision.policyHash },
        });
    }
    const review = {
        id: deps.ids.newId('rev'),
        requestId: request.id,
        reviewerId: reviewer.id,
        verdict: input.verdict,
        comment: input.comment,
        requestDigest: request.digest,
        reviewerIsOwner: isOwnerOf(entitlement, reviewer.id),
        reviewerGroups: [...reviewer.groups].sort(),
        policyHash: decision.policyHash,
        createdAt: now,
    };
    const result = await store.transaction(async (tx) => {
        const current = await requireRequest(tx, request.id);
        if (current.state !== 'pending') {
            throw new AppError('request.not_pending', `Request is ${current.state}; reviews are closed`);
        }
        if (!(await tx.reviews.insert(review))) {
            throw new AppError('review.duplicate', 'You have already reviewed this request');
        }
        const tally = tallyReviews(current, await tx.reviews.listForRequest(current.id));
        const next = { ...current, version: current.version + 1 };
        if (tally.outcome !== 'pending') {
            next.state = tally.outcome;
            next.decidedAt = now;
            next.decisionReason = tally.outcome === 'denied' ? `denied by ${tally.by}` : 'approved by reviewers';
        }
        // Every review bumps the version, so a concurrent cancel or review has exactly one winner.
        if (!(await tx.requests.update(next, current.version))) {
            throw new AppError('request.concurrent_update', 'The request changed; try again');
        }
        await recordAudit(tx, deps, {
            type: 'review.recorded',
            actor: reviewer.id,
            requestId: current.id,
            data: {
                reviewId: review.id,
                verdict: review.verdict,
                comment: review.comment,
                digest: review.requestDigest,
                reviewerIsOwner: review.reviewerIsOwner,
                decision: decisionEvidence(decision),
            },
        });
        let grant = null;
        if (tally.outcome === 'approved') {
            grant = newGrant(deps, next, entitlement, target.kind, now);
            await approveWithGrant(tx, deps, next, grant, reviewer.id);
        }
        else if (tally.outcome === 'denied') {
            await recordAudit(tx, deps, {
                type: 'request.denied',
                actor: reviewer.id,
                requestId: current.id,
                data: { reviewId: review.id },
            });
        }
        return { review, request: next, tally, grant };
    });
    deps.log.info({ requestId, reviewer: reviewer.id, outcome: result.tally.outcome }, 'review recorded');
    if (result.grant)
        deps.signals.grantScheduled(result.grant.id);
    return result;
}
/** Blocked review attempts are evidence too (SoD attempts count in the governance report). */
async function recordRejection(deps, reviewer, request, error) {
    await deps.store.transaction(async (tx) => {
        await recordAudit(tx, deps, {
            type: 'review.rejected',
            actor: reviewer.id,
            requestId: request.id,
            data: {
                code: error instanceof AppError ? error.code : 'review.not_eligible',
                reason: error instanceof Error ? error.message : 'rejected',
            },
        });
    });
}
