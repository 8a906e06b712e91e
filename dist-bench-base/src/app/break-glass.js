import { requestDigest } from '../domain/access-request.js';
import { assertBreakGlassInput, capBreakGlassDuration, } from '../domain/break-glass.js';
import { AppError } from '../domain/errors.js';
import { decisionContext, recordAudit, requireEntitlement, requireTarget } from './load.js';
import { approveWithGrant, decisionEvidence, newGrant } from './submit-request.js';
const DAY_MS = 86_400_000;
/**
 * Emergency access: its own policy action, a mandatory incident and reason, a hard cap, an
 * immediate grant without review, everyone accountable told at once, and a mandatory post-use
 * review by someone else before a deadline. Repeated use is limited, and a user whose earlier
 * use is overdue for review cannot break glass again until it is reviewed.
 */
export async function useBreakGlass(deps, actor, input) {
    const { store, clock } = deps;
    const incidentRef = assertBreakGlassInput(input);
    const entitlement = await requireEntitlement(store, input.entitlementId);
    const target = await requireTarget(store, entitlement.targetId);
    if (!entitlement.subjectKinds.includes(actor.kind)) {
        throw new AppError('request.subject_not_allowed', `Entitlement ${entitlement.id} cannot be granted to a ${actor.kind}`);
    }
    const now = clock.now();
    await assertMayBreakGlass(deps, actor, entitlement, incidentRef, now);
    const asked = input.durationSeconds ?? entitlement.maxDurationSeconds;
    const decision = await deps.policy.decide({
        action: 'breakglass',
        principal: actor,
        entitlement,
        target,
        subject: actor,
        // The incident reference is the ticket the break-glass policy requires.
        context: decisionContext({ durationSeconds: asked, ticketRef: incidentRef }, now),
    });
    const durationSeconds = capBreakGlassDuration(input.durationSeconds, entitlement.maxDurationSeconds, decision.obligations.maxDurationSeconds);
    const settings = deps.settings.governance.breakGlass;
    const notified = await whoToTell(deps, entitlement, actor);
    const dueAt = new Date(now.getTime() + settings.reviewWithinSeconds * 1000);
    const fields = {
        id: deps.ids.newId('req'),
        requesterId: actor.id,
        subjectId: actor.id,
        entitlementId: entitlement.id,
        justification: input.reason.trim(),
        ticketRef: incidentRef,
        durationSeconds,
        revocationCondition: 'expiry',
        submittedAt: now,
        breakGlass: true,
        incidentRef,
        extendsGrantId: null,
    };
    const request = {
        ...fields,
        state: decision.allowed ? 'approved' : 'denied',
        digest: requestDigest(fields),
        obligations: decision.obligations,
        // The post-use reviewers, named now so they can read the request and review it.
        eligibleReviewers: decision.allowed ? notified : [],
        policyHash: decision.policyHash,
        // For break-glass the deadline is the post-use review's: the grant exists already.
        reviewDeadline: dueAt,
        decidedAt: now,
        decisionReason: decision.allowed
            ? 'break-glass: permitted by policy without review; post-use review required'
            : decision.reasons.join('; ') || 'denied by policy',
        version: 1,
    };
    if (!decision.allowed) {
        await recordRefusedByPolicy(deps, request, decision);
        throw new AppError('request.denied_by_policy', request.decisionReason ?? 'denied by policy', {
            details: {
                requestId: request.id,
                policyHash: decision.policyHash,
                reasons: decision.reasons,
            },
        });
    }
    const grant = newGrant(deps, request, entitlement, target.kind, now);
    const review = {
        requestId: request.id,
        grantId: grant.id,
        userId: actor.id,
        entitlementId: entitlement.id,
        incidentRef,
        usedAt: now,
        dueAt,
        escalatedAt: null,
        reviewerId: null,
        verdict: null,
        comment: null,
        reviewedAt: null,
        version: 1,
    };
    await store.transaction(async (tx) => {
        await tx.requests.insert(request);
        await recordAudit(tx, deps, {
            type: 'request.submitted',
            actor: actor.id,
            requestId: request.id,
            data: {
                digest: request.digest,
                entitlementId: entitlement.id,
                subjectId: actor.id,
                durationSeconds,
                ticketRef: incidentRef,
                revocationCondition: request.revocationCondition,
                breakGlass: true,
                incidentRef,
                decision: decisionEvidence(decision),
                eligibleReviewers: request.eligibleReviewers,
            },
        });
        await approveWithGrant(tx, deps, request, grant, 'system:breakglass');
        await tx.breakGlassReviews.insert(review);
        await recordAudit(tx, deps, {
            type: 'breakglass.used',
            actor: actor.id,
            requestId: request.id,
            grantId: grant.id,
            data: {
                entitlementId: entitlement.id,
                riskTier: entitlement.riskTier,
                incidentRef,
                reason: request.justification,
                askedSeconds: input.durationSeconds ?? null,
                durationSeconds,
                notified,
                reviewDueAt: dueAt,
            },
        });
    });
    deps.log.warn({
        requestId: request.id,
        grantId: grant.id,
        user: actor.id,
        entitlementId: entitlement.id,
        incidentRef,
        notified,
    }, 'break-glass used: owners and security notified; post-use review required');
    deps.signals.breakGlassUsed(request);
    deps.signals.grantScheduled(grant.id);
    return { request, grant, review, notified };
}
/** The entitlement's owners and the active people in the security group, never the user. */
async function whoToTell(deps, entitlement, actor) {
    const security = await deps.store.identities.listActiveHumansInGroups([
        deps.settings.governance.breakGlass.securityGroup,
    ]);
    const ids = new Set([...entitlement.owners, ...security.map((s) => s.id)]);
    ids.delete(actor.id);
    if (actor.ownerId !== null)
        ids.delete(actor.ownerId);
    return [...ids].sort();
}
/** Rate limit and overdue reviews; each refusal is evidence too (T40: repeated use). */
async function assertMayBreakGlass(deps, actor, entitlement, incidentRef, now) {
    const settings = deps.settings.governance.breakGlass;
    let refusal = null;
    if (settings.blockWhileOverdue) {
        const [overdue] = await deps.store.breakGlassReviews.list({
            now,
            userId: actor.id,
            state: 'overdue',
            limit: 1,
        });
        if (overdue) {
            refusal = new AppError('breakglass.review_overdue', `Your break-glass use ${overdue.requestId} is overdue for its post-use review; it must be reviewed before you can break glass again`, { details: { overdueRequestId: overdue.requestId, dueAt: overdue.dueAt } });
        }
    }
    if (refusal === null) {
        const used = await deps.store.breakGlassReviews.countUsesSince(actor.id, new Date(now.getTime() - DAY_MS));
        if (used >= settings.maxUsesPerDay) {
            refusal = new AppError('breakglass.rate_limited', `Break-glass may be used at most ${settings.maxUsesPerDay} times in 24 hours`, { details: { usedInLast24h: used, limit: settings.maxUsesPerDay } });
        }
    }
    if (refusal === null)
        return;
    const error = refusal;
    await deps.store.transaction((tx) => recordAudit(tx, deps, {
        type: 'breakglass.refused',
        actor: actor.id,
        data: { code: error.code, entitlementId: entitlement.id, incidentRef, ...error.details },
    }));
    deps.log.warn({ user: actor.id, entitlementId: entitlement.id, code: error.code }, 'break-glass refused');
    throw error;
}
async function recordRefusedByPolicy(deps, request, decision) {
    await deps.store.transaction(async (tx) => {
        await tx.requests.insert(request);
        await recordAudit(tx, deps, {
            type: 'request.denied_by_policy',
            actor: request.requesterId,
            requestId: request.id,
            data: {
                digest: request.digest,
                entitlementId: request.entitlementId,
                subjectId: request.subjectId,
                durationSeconds: request.durationSeconds,
                breakGlass: true,
                incidentRef: request.incidentRef,
                decision: decisionEvidence(decision),
            },
        });
    });
    deps.log.warn({ requestId: request.id, user: request.requesterId }, 'break-glass denied by policy');
}
