import type { AccessRequest } from '../domain/access-request.js'
import type { AccessException } from '../domain/access-exception.js'
import type { Entitlement, Target } from '../domain/catalog.js'
import type { Identity } from '../domain/identity.js'
import { backoffMs, type Grant } from '../domain/grant.js'
import { ConnectorError, type GrantSpec, type IssueResult } from '../connectors/connector.js'
import type { Repositories } from '../storage/store.js'
import type { AppDeps } from './deps.js'
import { decideWithCandidates } from './decide-with-exceptions.js'
import { supersedeExtendedGrant } from './extend-grant.js'
import { casGrant, errorText } from './grant-transitions.js'
import { decisionContext, recordAudit, requireEntitlementAndTarget, requireIdentity, requireRequest, requireTarget } from './load.js'
import { executeRevocation } from './revoke-grant.js'
import { decisionEvidence } from './submit-request.js'
import { issuanceClaim, recordIssuanceClaim, usableHandoff } from './issuance-claim.js'

function isIssuableNow(g: Grant, now: number): boolean {
  switch (g.state) {
    case 'scheduled':
      return g.startsAt.getTime() <= now
    case 'issue_failed':
      return g.nextAttemptAt === null || g.nextAttemptAt.getTime() <= now
    case 'issuing':
      return g.leaseUntil === null || g.leaseUntil.getTime() <= now
    case 'active':
    case 'revoking':
    case 'revoke_failed':
    case 'revoked':
    case 'irrevocable':
      return false
  }
}

/**
 * Issues the grant's credential. Intent before effect: the grant is `issuing` (committed, with a
 * lease) before the connector is called, so a crash leaves a record any worker can resume —
 * connectors are idempotent by grant id, so the resumed issue finds or replaces the first attempt.
 */
export async function activateGrant(deps: AppDeps, grantId: string): Promise<Grant | null> {
  const { store, clock, settings } = deps
  const now = clock.now()
  // Claimed already by the submission that committed it (one transaction fewer on the hot path).
  const handedOver = deps.handoff?.take(grantId)
  const claim =
    handedOver !== undefined && usableHandoff(deps, handedOver, now)
      ? ({ kind: 'issue', grant: handedOver } as const)
      : await claimForIssuance(deps, grantId, now)
  if (!claim) return null
  if (claim.kind === 'revoke') return executeRevocation(deps, grantId)

  const claimed = claim.grant
  const check = await recheckPolicy(deps, claimed)
  if (!check.allowed) return denyActivation(deps, claimed, check.evidence)

  let result: IssueResult
  deps.faults?.reach('issue.before_target')
  try {
    // The recheck read the target a moment ago; a grant's target is its entitlement's.
    const target = check.target.id === claimed.targetId ? check.target : await requireTarget(store, claimed.targetId)
    const definition = deps.connectors.definition(target.kind)
    const params = definition.paramsSchema.parse(check.params) as Record<string, unknown>
    const instance = await deps.connectors.instanceFor(target)
    result = await instance.issue(
      grantSpecOf(claimed, params, check.expiresAt),
      { signal: AbortSignal.timeout(settings.connectorTimeoutMs) },
    )
  } catch (error) {
    return recordIssueFailure(deps, claimed, error)
  }
  deps.faults?.reach('issue.after_target')
  return commitActivation(deps, claimed, result, check.expiresAt, check.evidence, check.request)
}

type Claim = { kind: 'issue'; grant: Grant } | { kind: 'revoke' }

/** Claims a due grant for issuance (or for cleanup when it ended first) in its own transaction. */
async function claimForIssuance(deps: AppDeps, grantId: string, now: Date): Promise<Claim | null> {
  return deps.store.transaction(async (tx): Promise<Claim | null> => {
    const g = await tx.grants.get(grantId)
    if (!g || !isIssuableNow(g, now.getTime())) return null
    if (g.revokeDueAt !== null || g.expiresAt.getTime() <= now.getTime()) {
      // Ended before it was ever issued (or while a crashed worker held it): clean up instead.
      const next = await casGrant(tx, g, {
        state: 'revoking',
        revokeReason: g.revokeReason ?? 'expired',
        revokeDueAt: g.revokeDueAt ?? g.expiresAt,
        leaseOwner: null,
        leaseUntil: null,
      })
      return next ? ({ kind: 'revoke' } as const) : null
    }
    const next = await casGrant(tx, g, issuanceClaim(deps, g, now))
    if (!next) return null
    await recordIssuanceClaim(tx, deps, next)
    return { kind: 'issue', grant: next } as const
  })
}

export interface Recheck {
  allowed: boolean
  evidence: Record<string, unknown>
  params: Record<string, unknown>
  expiresAt: Date
  /** What the decision was made on, so the caller does not read them again. */
  request: AccessRequest
  target: Target
}

/** What an issuance-time decision is made on, all read from one place (a transaction, or committed state). */
export interface RecheckInputs {
  request: AccessRequest
  requester: Identity
  subject: Identity
  /** The subject's owner (an NHI's), when it has one: it must still be active. */
  owner: Identity | null
  entitlement: Entitlement
  target: Target
  /** As `exceptions.listApplicable(now, subject, entitlement)` returned them. */
  exceptions: AccessException[]
  now: Date
}

/** Where an issuance-time decision reads: a transaction (or the committed state), and the request. */
export interface RecheckWithin {
  repos: Repositories
  request: AccessRequest
  /**
   * The entitlement, target and exception candidates this same transaction has read already (for
   * the request-time decision): not read twice.
   */
  read?: Pick<RecheckInputs, 'entitlement' | 'target' | 'exceptions'>
}

/** Reads what `decideRecheck` decides on, from `within` (a transaction) or the committed state. */
export async function readRecheckInputs(
  deps: AppDeps,
  grant: Grant,
  within: RecheckWithin | null,
): Promise<RecheckInputs> {
  const store = within?.repos ?? deps.store
  const request = within?.request ?? (await requireRequest(store, grant.requestId))
  // Read for an issue in store, the identities are held until its transaction commits: a
  // suspension committed meanwhile would end the identity's grants without seeing this one (T40).
  // The catalog is held by the transaction itself (`holdCatalog`). On SQLite getHeld is get: its
  // early decision reads the committed state this way too.
  const identity = (id: string) => requireIdentity(store, id, within !== null)
  const requester = await identity(request.requesterId)
  // Usually the same person: one read then (identities are not written in between).
  const subject = request.subjectId === requester.id ? requester : await identity(request.subjectId)
  const owner = subject.ownerId === null ? null : await identity(subject.ownerId)
  const now = deps.clock.now()
  // Read at an earlier now, the candidates are filtered again at this one (decideWithCandidates).
  if (within?.read) return { request, requester, subject, owner, ...within.read, now }
  const { entitlement, target } = await requireEntitlementAndTarget(store, grant.entitlementId)
  const exceptions = await store.exceptions.listApplicable(now, subject.id, entitlement.id)
  return { request, requester, subject, owner, entitlement, target, exceptions, now }
}

/** The issuance-time decision on `inputs`: the current bundle, with the exceptions they hold. */
export async function decideRecheck(deps: AppDeps, grant: Grant, inputs: RecheckInputs): Promise<Recheck> {
  const { request, requester, subject, owner, entitlement, target, now } = inputs
  const { decision } = await decideWithCandidates(deps, {
    action: 'activate',
    principal: requester,
    entitlement,
    target,
    subject,
    request,
    context: decisionContext(request, now),
  }, inputs.exceptions, now)
  // The current maximum wins: a lowered cap shortens a grant approved under the old one.
  const caps = [entitlement.maxDurationSeconds, decision.obligations.maxDurationSeconds ?? Infinity]
  const capEnd = grant.startsAt.getTime() + Math.min(...caps) * 1000
  const expiresAt = new Date(Math.min(grant.expiresAt.getTime(), capEnd))
  const activeOwner = owner === null || owner.status === 'active'
  const identitiesActive =
    requester.status === 'active' && subject.status === 'active' && activeOwner
  return {
    allowed: decision.allowed && identitiesActive,
    evidence: { ...decisionEvidence(decision), identitiesActive },
    params: entitlement.params,
    expiresAt,
    request,
    target,
  }
}

/**
 * Policy again at the moment of effect, with fresh identities, the current bundle and the
 * exceptions active right now (T09/T10). Also run for active grants on every context change.
 */
export async function recheckPolicy(
  deps: AppDeps,
  grant: Grant,
  // In-store issuance passes its transaction, and the request it has just written there.
  within: { repos: Repositories; request: AccessRequest } | null = null,
): Promise<Recheck> {
  return decideRecheck(deps, grant, await readRecheckInputs(deps, grant, within))
}

async function denyActivation(
  deps: AppDeps,
  claimed: Grant,
  evidence: Record<string, unknown>,
): Promise<Grant | null> {
  const now = deps.clock.now()
  const moved = await deps.store.transaction(async (tx) => {
    const next = await casGrant(tx, claimed, {
      state: 'revoking',
      revokeReason: 'activation_denied',
      revokeDueAt: now,
      leaseOwner: null,
      leaseUntil: null,
    })
    if (!next) return null
    await recordAudit(tx, deps, {
      type: 'grant.activation_denied',
      actor: `system:${deps.settings.workerId}`,
      requestId: claimed.requestId,
      grantId: claimed.id,
      data: { decision: evidence },
    })
    return next
  })
  deps.log.warn({ grantId: claimed.id }, 'activation denied by policy at issuance')
  // Revoke even though this attempt issued nothing: an earlier crashed attempt may have.
  return moved ? executeRevocation(deps, claimed.id) : null
}

async function commitActivation(
  deps: AppDeps,
  claimed: Grant,
  result: IssueResult,
  cap: Date,
  // The issuance-time decision, so evidence shows what allowed the grant at the moment of effect.
  decision: Record<string, unknown>,
  request: AccessRequest,
): Promise<Grant | null> {
  const issuedAt = deps.clock.now()
  const expiresAt = new Date(Math.min(result.expiresAt.getTime(), cap.getTime()))
  const sealed = deps.sealer.seal(
    JSON.stringify({ credential: result.credential.reveal(), instructions: result.instructions ?? null }),
  )
  const outcome = await deps.store.transaction(async (tx) => {
    // Compare-and-swap on the claimed version: the row is read only when the swap loses.
    const next = await casGrant(tx, claimed, {
      state: 'active',
      handle: result.handle,
      credentialCiphertext: sealed,
      issuedAt,
      expiresAt,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      nextAttemptAt: null,
    })
    if (!next) return { kind: 'lost', current: await tx.grants.get(claimed.id) } as const
    await recordAudit(tx, deps, {
      type: 'grant.activated',
      actor: `system:${deps.settings.workerId}`,
      requestId: claimed.requestId,
      grantId: claimed.id,
      data: { expiresAt, attempt: claimed.issueAttempts, targetName: claimed.targetName, decision },
    })
    deps.faults?.reach('issue.before_commit')
    return { kind: 'active', grant: next } as const
  })
  if (outcome.kind === 'active') {
    deps.faults?.reach('issue.after_commit')
    deps.log.info({ grantId: claimed.id, expiresAt }, 'grant active')
    deps.signals.grantActivated(outcome.grant)
    await supersedeExtendedGrant(deps, outcome.grant, request)
    return outcome.grant
  }
  return handOverAfterLostCommit(deps, claimed, result, outcome.current)
}

/**
 * The grant changed while we issued: either revocation was requested meanwhile (flagged on the
 * `issuing` row) or another worker took over. Either way the credential we hold must not live.
 */
async function handOverAfterLostCommit(
  deps: AppDeps,
  claimed: Grant,
  result: IssueResult,
  current: Grant | null,
): Promise<Grant | null> {
  if (current?.state === 'issuing' && current.leaseOwner === deps.settings.workerId) {
    const moved = await deps.store.transaction(async (tx) => {
      const next = await casGrant(tx, current, {
        state: 'revoking',
        handle: result.handle,
        revokeReason: current.revokeReason ?? 'cancelled',
        revokeDueAt: current.revokeDueAt ?? deps.clock.now(),
        leaseOwner: null,
        leaseUntil: null,
      })
      return next
    })
    if (moved) return executeRevocation(deps, claimed.id)
  }
  deps.log.warn({ grantId: claimed.id }, 'lost the grant while issuing; nothing recorded as active')
  return null
}

async function recordIssueFailure(deps: AppDeps, claimed: Grant, error: unknown): Promise<Grant | null> {
  const { settings } = deps
  const now = deps.clock.now()
  // Only a connector can say a failure is worth retrying; our own errors (bad params) are final.
  const retryable = error instanceof ConnectorError && error.retryable
  const final = !retryable || claimed.issueAttempts >= settings.issue.maxAttempts
  const message = errorText(error)
  const wait = backoffMs(claimed.issueAttempts, settings.issue.baseMs, settings.issue.capMs, deps.random())
  const next = await deps.store.transaction(async (tx) => {
    const stored = await casGrant(
      tx,
      claimed,
      final
        ? { state: 'revoking', revokeReason: 'issue_failed', revokeDueAt: now, lastError: message, leaseOwner: null, leaseUntil: null }
        : { state: 'issue_failed', nextAttemptAt: new Date(now.getTime() + wait), lastError: message, leaseOwner: null, leaseUntil: null },
    )
    if (!stored) return null
    await recordAudit(tx, deps, {
      type: 'grant.issue_failed',
      actor: `system:${settings.workerId}`,
      requestId: claimed.requestId,
      grantId: claimed.id,
      data: { attempt: claimed.issueAttempts, error: message, retryable, final },
    })
    return stored
  })
  deps.log.warn({ grantId: claimed.id, attempt: claimed.issueAttempts, final, error: message }, 'issuance failed')
  // After the last attempt, clean up whatever a partial attempt may have left on the target.
  if (next && final) return executeRevocation(deps, claimed.id)
  return next
}

/** What the connector is asked to issue: the grant as claimed, until the issuance-time expiry. */
export function grantSpecOf(claimed: Grant, params: Record<string, unknown>, expiresAt: Date): GrantSpec {
  return {
    grantId: claimed.id,
    targetName: claimed.targetName,
    subjectId: claimed.subjectId,
    entitlementId: claimed.entitlementId,
    params,
    startsAt: claimed.startsAt,
    expiresAt,
  }
}
