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
import {
  activatedInSubmission,
  InStoreIssueDeclined,
  issueInSubmission,
  issuesInStore,
  logDeclined,
  submitAndIssueInStore,
  type InStoreSubmission,
} from './issue-in-store.js'
import { recordAudit } from './load.js'
import { decideRequest, type RequestDecision } from './request-decision.js'

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
  if (deps.store.engine === 'postgres') return submitInOneTransaction(deps, requester, input)
  const s = buildSubmission(deps, requester, input, await decideRequest(deps, requester, input))
  // A connector that issues without calling out issues right here, in a transaction of its own.
  const issuable = issuableInStore(s)
  if (issuable !== null && (await issuesInStore(deps, s.decided.target))) {
    const active = await submitAndIssueInStore(deps, issuable)
    if (active) return issued(deps, s, active)
  }
  const written = await deps.store.transaction((tx) => writeSubmission(tx, deps, s))
  return afterWrite(deps, s, written)
}

/**
 * PostgreSQL pays a round trip for every statement, and a read inside a transaction at READ
 * COMMITTED is no older than one just before it: the request is decided on reads made in the
 * transaction that writes it, and an issue in the submission decides again on those same reads
 * (the identities it holds aside), two statements fewer. When that issue is declined, all of it
 * rolls back and the submission is made again without it, deciding afresh.
 */
async function submitInOneTransaction(
  deps: AppDeps,
  requester: Identity,
  input: SubmitRequestInput,
): Promise<SubmitRequestResult> {
  // Held: a re-tier committed meanwhile would re-decide the grants in force without this one.
  const submit = (inStore: boolean) =>
    deps.store.transaction(async (tx) => {
      const s = buildSubmission(deps, requester, input, await decideRequest(deps, requester, input, tx))
      const issuable = issuableInStore(s)
      if (inStore && issuable !== null && (await issuesInStore(deps, s.decided.target))) {
        const { entitlement, target, candidates } = s.decided
        const read = { entitlement, target, exceptions: candidates }
        return { s, issuable, active: await issueInSubmission(tx, deps, issuable, { read }), written: null }
      }
      return { s, written: await writeSubmission(tx, deps, s) }
    }, { holdCatalog: true })
  let done: Awaited<ReturnType<typeof submit>>
  try {
    done = await submit(true)
  } catch (error) {
    if (!(error instanceof InStoreIssueDeclined)) throw error
    logDeclined(deps, error)
    done = await submit(false)
  }
  if (done.written) return afterWrite(deps, done.s, done.written)
  return issued(deps, done.s, await activatedInSubmission(deps, done.issuable, done.active))
}

/** A submission decided and built, not yet written. */
interface Submission extends Omit<InStoreSubmission, 'scheduled'> {
  decided: RequestDecision
  /** Null unless auto-approved: the grant approval schedules. */
  scheduled: Grant | null
}

/** The submission as an issue in its own transaction takes it: auto-approved only. */
function issuableInStore(s: Submission): InStoreSubmission | null {
  return s.scheduled === null ? null : { ...s, scheduled: s.scheduled }
}

function buildSubmission(
  deps: AppDeps,
  requester: Identity,
  input: SubmitRequestInput,
  decided: RequestDecision,
): Submission {
  const { entitlement, target, subject, durationSeconds, ticketRef, revocationCondition, now } = decided
  const { outcome, decision, autoApproved, eligibleReviewers } = decided
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
  return { decided, request, scheduled, submitted, outcome, requesterId: requester.id }
}

/** What the ordinary submission wrote: its grant, if approved, and whether it is claimed here. */
interface Written {
  grant: Grant | null
  claimed: Grant | null
}

/** The ordinary submission's writes, in the caller's transaction. */
async function writeSubmission(tx: Repositories, deps: AppDeps, s: Submission): Promise<Written> {
  const { request, scheduled } = s
  // When this process's worker will issue it, the grant is committed already claimed (as the
  // claim transaction would leave it, lease and audit record included): one commit fewer, and
  // a crash after this commit leaves exactly what a crash after a claim leaves.
  const claimed =
    scheduled !== null && deps.handoff?.accepting() === true
      ? { ...scheduled, ...issuanceClaim(deps, scheduled, request.submittedAt) }
      : null
  const grant = claimed ?? scheduled
  await tx.requests.insert(request)
  await recordAudit(tx, deps, s.submitted)
  if (grant) await approveWithGrant(tx, deps, request, grant, 'system:policy')
  await recordExceptionUses(tx, deps, s.outcome, {
    requestId: request.id,
    grantId: grant?.id ?? null,
    action: 'request',
    actor: s.requesterId,
  })
  if (claimed) await recordIssuanceClaim(tx, deps, claimed)
  return { grant, claimed }
}

/** After the ordinary submission's commit: hand the grant on, or throw the policy's denial. */
function afterWrite(deps: AppDeps, s: Submission, { grant, claimed }: Written): SubmitRequestResult {
  const { request } = s
  const { decision } = s.decided
  deps.log.info({ requestId: request.id, state: request.state }, 'request submitted')
  if (claimed) deps.handoff?.put(claimed)
  if (grant) deps.signals.grantScheduled(grant.id)
  if (!decision.allowed) {
    throw new AppError('request.denied_by_policy', request.decisionReason ?? 'denied by policy', {
      details: { requestId: request.id, policyHash: decision.policyHash, reasons: decision.reasons },
    })
  }
  return { request, grant, decision }
}

function issued(deps: AppDeps, s: Submission, active: Grant): SubmitRequestResult {
  deps.log.info({ requestId: s.request.id, state: s.request.state }, 'request submitted')
  return { request: s.request, grant: active, decision: s.decided.decision }
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
