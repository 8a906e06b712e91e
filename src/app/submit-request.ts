import {
  requestDigest,
  type AccessRequest,
  type RevocationCondition,
} from '../domain/access-request.js'
import type { AuditEventInput } from '../domain/audit-event.js'
import type { Entitlement } from '../domain/catalog.js'
import { AppError } from '../domain/errors.js'
import { targetNameFor, type Grant } from '../domain/grant.js'
import type { Identity } from '../domain/identity.js'
import type { Obligations } from '../domain/obligations.js'
import type { Decision } from '../policy/policy-engine.js'
import type { Repositories } from '../storage/store.js'
import { recordExceptionUses } from './decide-with-exceptions.js'
import type { AppDeps } from './deps.js'
import { issuanceClaim, recordIssuanceClaim } from './issuance-claim.js'
import { issuesInStore, submitAndIssueInStore } from './issue-in-store.js'
import { recordAudit } from './load.js'
import { decideRequest } from './request-decision.js'

export interface SubmitRequestInput {
  entitlementId: string
  /** Defaults to the requester; otherwise an NHI the requester owns. */
  subjectId?: string | undefined
  justification: string
  ticketRef?: string | null | undefined
  durationSeconds?: number | undefined
  revocationCondition?: RevocationCondition | undefined
  /** Set by extendGrant: the grant this request extends. */
  extendsGrantId?: string | undefined
  /** Set by extendGrant: the extended request's obligations, which the new one can only tighten. */
  obligationFloor?: Obligations | undefined
}

export interface SubmitRequestResult {
  request: AccessRequest
  grant: Grant | null
  decision: Decision
}

/** Submits a request: validate, decide with policy, name the reviewers, persist with audit. */
export async function submitRequest(
  deps: AppDeps,
  requester: Identity,
  input: SubmitRequestInput,
): Promise<SubmitRequestResult> {
  const { store } = deps
  const {
    entitlement,
    target,
    subject,
    durationSeconds,
    ticketRef,
    revocationCondition,
    now,
    outcome,
    decision,
    autoApproved,
    eligibleReviewers,
  } = await decideRequest(deps, requester, input)

  const id = deps.ids.newId('req')
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
  }
  const request: AccessRequest = {
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
  }
  const scheduled = autoApproved ? newGrant(deps, request, entitlement, target.kind, now) : null
  const submitted: AuditEventInput = {
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
  }
  // A connector that issues without calling out issues right here, in the same transaction.
  if (scheduled !== null && (await issuesInStore(deps, target))) {
    const active = await submitAndIssueInStore(deps, {
      request,
      scheduled,
      submitted,
      outcome,
      requesterId: requester.id,
    })
    if (active) {
      deps.log.info({ requestId: id, state: request.state }, 'request submitted')
      return { request, grant: active, decision }
    }
  }
  // When this process's worker will issue it, the grant is committed already claimed (as the
  // claim transaction would leave it, lease and audit record included): one commit fewer, and
  // a crash after this commit leaves exactly what a crash after a claim leaves.
  const claimed =
    scheduled !== null && deps.handoff?.accepting() === true
      ? { ...scheduled, ...issuanceClaim(deps, scheduled, now) }
      : null
  const grant = claimed ?? scheduled

  await store.transaction(async (tx) => {
    await tx.requests.insert(request)
    await recordAudit(tx, deps, submitted)
    if (grant) await approveWithGrant(tx, deps, request, grant, 'system:policy')
    await recordExceptionUses(tx, deps, outcome, {
      requestId: id,
      grantId: grant?.id ?? null,
      action: 'request',
      actor: requester.id,
    })
    if (claimed) await recordIssuanceClaim(tx, deps, claimed)
  })
  deps.log.info({ requestId: id, state: request.state }, 'request submitted')
  if (claimed) deps.handoff?.put(claimed)
  if (grant) deps.signals.grantScheduled(grant.id)
  if (!decision.allowed) {
    throw new AppError('request.denied_by_policy', request.decisionReason ?? 'denied by policy', {
      details: { requestId: id, policyHash: decision.policyHash, reasons: decision.reasons },
    })
  }
  return { request, grant, decision }
}

export function decisionEvidence(decision: Decision): Record<string, unknown> {
  return {
    allowed: decision.allowed,
    policyHash: decision.policyHash,
    determiningPolicies: decision.determiningPolicies,
    obligations: decision.obligations,
    reasons: decision.reasons,
    errored: decision.errored,
  }
}

export function newGrant(
  deps: Pick<AppDeps, 'ids'>,
  request: AccessRequest,
  entitlement: Entitlement,
  connectorKind: string,
  now: Date,
): Grant {
  const id = deps.ids.newId('grt')
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
  }
}

/** Records the approval and schedules the grant, in the caller's transaction. */
export async function approveWithGrant(
  tx: Repositories,
  deps: Pick<AppDeps, 'clock' | 'ids'>,
  request: AccessRequest,
  grant: Grant,
  actor: string,
): Promise<void> {
  await recordAudit(tx, deps, {
    type: 'request.approved',
    actor,
    requestId: request.id,
    data: { digest: request.digest },
  })
  await tx.grants.insert(grant)
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
  })
}
