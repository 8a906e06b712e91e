import { assertPostUseReviewer, postUseReviewState, } from '../domain/break-glass.js';
import { AppError } from '../domain/errors.js';
import { endGrantsForChange } from './end-grants.js';
import { isAdmin, recordAudit, requireEntitlement, requireIdentity } from './load.js';
async function requirePostUseReview(deps, requestId) {
    const review = await deps.store.breakGlassReviews.get(requestId);
    if (!review)
        throw new AppError('breakglass.not_found', `No break-glass use ${JSON.stringify(requestId)}`);
    return review;
}
/**
 * The mandatory post-use review. The reviewer is a person other than the user, active, and an
 * owner of the entitlement or a member of the security group; the verdict is final. An
 * unjustified use that still holds access is revoked at once.
 */
export async function reviewBreakGlass(deps, reviewer, requestId, input) {
    const { store, clock } = deps;
    const review = await requirePostUseReview(deps, requestId);
    const user = await requireIdentity(store, review.userId);
    const entitlement = await requireEntitlement(store, review.entitlementId);
    try {
        assertPostUseReviewer(review, reviewer, user, entitlement, deps.settings.governance.breakGlass.securityGroup);
    }
    catch (error) {
        await store.transaction((tx) => recordAudit(tx, deps, {
            type: 'review.rejected',
            actor: reviewer.id,
            requestId,
            data: {
                breakGlass: true,
                code: error instanceof AppError ? error.code : 'review.not_eligible',
                reason: error instanceof Error ? error.message : 'rejected',
            },
        }));
        throw error;
    }
    const now = clock.now();
    const done = await store.transaction(async (tx) => {
        const current = await tx.breakGlassReviews.get(requestId);
        if (!current || current.reviewedAt !== null) {
            throw new AppError('breakglass.already_reviewed', 'This break-glass use has already been reviewed');
        }
        const next = {
            ...current,
            reviewerId: reviewer.id,
            verdict: input.verdict,
            comment: input.comment,
            reviewedAt: now,
            version: current.version + 1,
        };
        if (!(await tx.breakGlassReviews.update(next, current.version))) {
            throw new AppError('breakglass.already_reviewed', 'This break-glass use was reviewed meanwhile');
        }
        await recordAudit(tx, deps, {
            type: 'breakglass.reviewed',
            actor: reviewer.id,
            requestId,
            grantId: current.grantId,
            data: {
                verdict: input.verdict,
                comment: input.comment,
                userId: current.userId,
                reviewerIsOwner: entitlement.owners.includes(reviewer.id),
                late: postUseReviewState(current, now) === 'overdue',
                escalatedAt: current.escalatedAt,
            },
        });
        return next;
    });
    deps.log.info({ requestId, reviewer: reviewer.id, verdict: input.verdict }, 'break-glass use reviewed');
    let revoked = [];
    if (input.verdict === 'unjustified') {
        const grant = await store.grants.get(done.grantId);
        if (grant) {
            revoked = await endGrantsForChange(deps, [grant], 'manual', reviewer.id, {
                change: 'breakglass_unjustified',
                requestId,
                reviewerId: reviewer.id,
            });
        }
    }
    return { review: done, revoked };
}
/**
 * The review queue. Admins and members of the security group see every use; anyone else sees
 * the uses they made and those of entitlements they own.
 */
export async function listBreakGlassReviews(deps, actor, state) {
    const now = deps.clock.now();
    const all = await deps.store.breakGlassReviews.list({
        now,
        ...(state !== undefined ? { state } : {}),
        limit: 1000,
    });
    const securityGroup = deps.settings.governance.breakGlass.securityGroup;
    if (isAdmin(actor, deps.settings.adminGroup) || actor.groups.includes(securityGroup))
        return all;
    const owned = new Set((await deps.store.catalog.listEntitlements())
        .filter((e) => e.owners.includes(actor.id))
        .map((e) => e.id));
    return all.filter((r) => r.userId === actor.id || owned.has(r.entitlementId));
}
/**
 * Run on every engine sweep: an unreviewed use past its deadline escalates once (audit event,
 * signal, error log); the overdue gauge counts them at scrape time.
 */
export async function escalateOverdueBreakGlass(deps, limit = 200) {
    const now = deps.clock.now();
    const overdue = await deps.store.breakGlassReviews.list({
        now,
        state: 'overdue',
        notEscalated: true,
        limit,
    });
    let escalated = 0;
    for (const review of overdue) {
        const next = await deps.store.transaction(async (tx) => {
            const current = await tx.breakGlassReviews.get(review.requestId);
            if (!current || current.reviewedAt !== null || current.escalatedAt !== null)
                return null;
            const updated = { ...current, escalatedAt: now, version: current.version + 1 };
            if (!(await tx.breakGlassReviews.update(updated, current.version)))
                return null;
            await recordAudit(tx, deps, {
                type: 'breakglass.review_overdue',
                actor: 'system:breakglass',
                requestId: current.requestId,
                grantId: current.grantId,
                data: {
                    userId: current.userId,
                    entitlementId: current.entitlementId,
                    incidentRef: current.incidentRef,
                    dueAt: current.dueAt,
                    overdueSeconds: Math.floor((now.getTime() - current.dueAt.getTime()) / 1000),
                },
            });
            return updated;
        });
        if (!next)
            continue;
        escalated++;
        deps.log.error({ requestId: next.requestId, user: next.userId, dueAt: next.dueAt }, 'break-glass use not reviewed in time: escalated');
        deps.signals.breakGlassReviewOverdue(next);
    }
    return escalated;
}
