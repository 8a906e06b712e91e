import { requestDigest, } from '../domain/access-request.js';
import { AppError } from '../domain/errors.js';
import { targetNameFor } from '../domain/grant.js';
import { recordExceptionUses } from './decide-with-exceptions.js';
import { issuanceClaim, recordIssuanceClaim } from './issuance-claim.js';
import { recordAudit } from './load.js';
import { decideRequest } from './request-decision.js';
/** Submits a request: validate, decide with policy, name the reviewers, persist with audit. */
export async function submitRequest(deps, requester, input) {
    const { store } = deps;
    const { entitlement, target, subject, durationSeconds, ticketRef, revocationCondition, now, outcome, decision, autoApproved, eligibleReviewers, } = await decideRequest(deps, requester, input);
    const id = deps.ids.newId('req');
    const fields = {
        id,
        requesterId: requester.id,
        subjectId: subject.id,
        entitlementId: entitlement.id,
        justification: input.justification,
        ticketRef,
        durationSeconds,
        revocationCondition,
        submittedAt: now,
        breakGlass: false,
        incidentRef: null,
        extendsGrantId: input.extendsGrantId ?? null,
    };
    const request = {
        ...fields,
        state: decision.allowed ? (autoApproved ? 'approved' : 'pending') : 'denied',
        digest: requestDigest(fields),
        obligations: decision.obligations,
        eligibleReviewers,
        policyHash: decision.policyHash,
        reviewDeadline: new Date(now.getTime() + deps.settings.reviewTtlSeconds * 1000),
        decidedAt: decision.allowed && !autoApproved ? null : now,
        decisionReason: decision.allowed
            ? autoApproved
                ? 'auto-approved by policy'
                : null
            : decision.reasons.join('; ') || 'denied by policy',
        version: 1,
    };
    const scheduled = autoApproved ? newGrant(deps, request, entitlement, target.kind, now) : null;
    // When this process's worker will issue it, the grant is committed already claimed (as the
    // claim transaction would leave it, lease and audit record included): one commit fewer, and
    // a crash after this commit leaves exactly what a crash after a claim leaves.
    const claimed = scheduled !== null && deps.handoff?.accepting() === true
        ? { ...scheduled, ...issuanceClaim(deps, scheduled, now) }
        : null;
    const grant = claimed ?? scheduled;
    await store.transaction(async (tx) => {
        await tx.requests.insert(request);
        await recordAudit(tx, deps, {
            type: decision.allowed ? 'request.submitted' : 'request.denied_by_policy',
            actor: requester.id,
            requestId: id,
            data: {
                digest: request.digest,
                entitlementId: entitlement.id,
                subjectId: subject.id,
                durationSeconds,
                ticketRef,
                revocationCondition: request.revocationCondition,
                decision: decisionEvidence(decision),
                eligibleReviewers: request.eligibleReviewers,
                ...(request.extendsGrantId !== null ? { extendsGrantId: request.extendsGrantId } : {}),
                ...(outcome.used.length > 0 ? { exceptions: outcome.used.map((e) => e.id) } : {}),
            },
        });
        if (grant)
            await approveWithGrant(tx, deps, request, grant, 'system:policy');
        await recordExceptionUses(tx, deps, outcome, {
            requestId: id,
            grantId: grant?.id ?? null,
            action: 'request',
            actor: requester.id,
        });
        if (claimed)
            await recordIssuanceClaim(tx, deps, claimed);
    });
    deps.log.info({ requestId: id, state: request.state }, 'request submitted');
    if (claimed)
        deps.handoff?.put(claimed);
    if (grant)
        deps.signals.grantScheduled(grant.id);
    if (!decision.allowed) {
        throw new AppError('request.denied_by_policy', request.decisionReason ?? 'denied by policy', {
            details: { requestId: id, policyHash: decision.policyHash, reasons: decision.reasons },
        });
    }
    return { request, grant, decision };
}
export function decisionEvidence(decision) {
    return {
        allowed: decision.allowed,
        policyHash: decision.policyHash,
        determiningPolicies: decision.determiningPolicies,
        obligations: decision.obligations,
        reasons: decision.reasons,
        errored: decision.errored,
    };
}
export function newGrant(deps, request, entitlement, connectorKind, now) {
    const id = deps.ids.newId('grt');
    return {
        id,
        requestId: request.id,
        subjectId: request.subjectId,
        entitlementId: entitlement.id,
        targetId: entitlement.targetId,
        connectorKind,
        breakGlass: request.breakGlass,
        state: 'scheduled',
        targetName: targetNameFor(id),
        startsAt: now,
        // The window is fixed at approval: slow issuance shortens access, never extends it.
        expiresAt: new Date(now.getTime() + request.durationSeconds * 1000),
        handle: null,
        credentialCiphertext: null,
        credentialRetrievedAt: null,
        issuedAt: null,
        issueAttempts: 0,
        revokeAttempts: 0,
        nextAttemptAt: null,
        lastError: null,
        revokeReason: null,
        revokeDueAt: null,
        revokedAt: null,
        revocationLagMs: null,
        verification: null,
        leaseOwner: null,
        leaseUntil: null,
        createdAt: now,
        version: 1,
    };
}
/** Records the approval and schedules the grant, in the caller's transaction. */
export async function approveWithGrant(tx, deps, request, grant, actor) {
    await recordAudit(tx, deps, {
        type: 'request.approved',
        actor,
        requestId: request.id,
        data: { digest: request.digest },
    });
    await tx.grants.insert(grant);
    await recordAudit(tx, deps, {
        type: 'grant.scheduled',
        actor,
        requestId: request.id,
        grantId: grant.id,
        data: {
            entitlementId: grant.entitlementId,
            targetId: grant.targetId,
            connectorKind: grant.connectorKind,
            startsAt: grant.startsAt,
            expiresAt: grant.expiresAt,
        },
    });
}
