import type { ConnectorInstance } from '../connectors/connector.js'
import type { AccessRequest } from '../domain/access-request.js'
import type { AuditEventInput } from '../domain/audit-event.js'
import type { Target } from '../domain/catalog.js'
import type { Grant } from '../domain/grant.js'
import type { Repositories } from '../storage/store.js'
import { grantSpecOf, type Recheck, type RecheckWithin } from './activate-grant.js'
import { recordExceptionUses, type ExceptionDecision } from './decide-with-exceptions.js'
import type { AppDeps } from './deps.js'
import { supersedeExtendedGrant } from './extend-grant.js'
import { issuanceClaim } from './issuance-claim.js'
import { precheckIssuance, recheckInTransaction, type Prechecked } from './issuance-precheck.js'
import { recordAuditMany } from './load.js'
import { recheckGrants } from './recheck-grants.js'

/** What submit has decided and built, for a grant that may be issued in the submission's transaction. */
export interface InStoreSubmission {
  request: AccessRequest
  /** The grant as approval schedules it (starts now). */
  scheduled: Grant
  /** The `request.submitted` event, as the ordinary submission writes it. */
  submitted: AuditEventInput
  outcome: ExceptionDecision
  requesterId: string
}

/**
 * Whether the target's connector issues inside our own transaction (`issueInStore`: the jwt
 * signature). Asked of the connector itself, never guessed from the kind.
 */
export async function issuesInStore(deps: AppDeps, target: Target): Promise<boolean> {
  try {
    return (await deps.connectors.instanceFor(target)).issueInStore !== undefined
  } catch {
    return false
  }
}

/**
 * Submission and issuance in one transaction, for an auto-approved grant that starts now on a
 * connector that issues without calling out: the request, its approval and the grant are written
 * together with the issuance-time decision, the credential and the `active` state, so a crash at
 * any step leaves either nothing or all of it committed, and no credential exists without its
 * grant (a token signed in a transaction that rolls back never left the process). The grant
 * needs no `issuing` claim and no lease: atomicity does what they do for a remote target.
 *
 * Both decisions are still made and recorded: the request-time one by the caller, the
 * issuance-time one here, on the identities, entitlement, target and exceptions as this
 * transaction reads them (T09/T10), with the request it has just written (on SQLite made just
 * before and kept only if the transaction reads the very same inputs: issuance-precheck.ts). The audit events are
 * the ordinary path's, in its order. Returns null, with nothing written, when the issuance-time
 * decision refuses or the connector fails: the caller then takes the ordinary path, whose worker
 * records the refusal or the failure and its retries as it always has.
 */
export async function submitAndIssueInStore(deps: AppDeps, s: InStoreSubmission): Promise<Grant | null> {
  const pre = await precheckIssuance(deps, s.scheduled, s.request)
  let active: Grant
  try {
    active = await deps.store.transaction((tx) => issueInSubmission(tx, deps, s, { pre }))
  } catch (error) {
    if (!(error instanceof InStoreIssueDeclined)) throw error
    logDeclined(deps, error)
    return null
  }
  return activatedInSubmission(deps, s, active)
}

/**
 * The body of that transaction, in `tx`: the issuance-time decision (`pre` when it stands, or
 * on `read` and the identities read here), the issue, and every write. Throws
 * `InStoreIssueDeclined` when the decision refuses or the connector fails; the caller rolls back.
 */
export async function issueInSubmission(
  tx: Repositories,
  deps: AppDeps,
  s: InStoreSubmission,
  decided: { pre?: Prechecked | null; read?: RecheckWithin['read'] },
): Promise<Grant> {
  const { request, scheduled } = s
  const actor = `system:${deps.settings.workerId}`
  const claimed: Grant = { ...scheduled, ...issuanceClaim(deps, scheduled, request.submittedAt) }
  // The fault points of claim → issue → commit sit at the same steps of this one transaction
  // (issue.before_target after the issuance-time decision, as on the worker's path).
  const within: RecheckWithin = { repos: tx, request, ...(decided.read ? { read: decided.read } : {}) }
  const issued = await checkAndIssue(tx, deps, claimed, within, decided.pre ?? null)
  deps.faults?.reach('issue.after_target')
  const { result, check } = issued
  const grant: Grant = {
    ...claimed,
    state: 'active',
    handle: result.handle,
    credentialCiphertext: deps.sealer.seal(
      JSON.stringify({ credential: result.credential.reveal(), instructions: result.instructions ?? null }),
    ),
    issuedAt: deps.clock.now(),
    expiresAt: new Date(Math.min(result.expiresAt.getTime(), check.expiresAt.getTime())),
    leaseOwner: null,
    leaseUntil: null,
  }
  await tx.requests.insert(request)
  await tx.grants.insert(grant)
  const before = submissionEvents(s)
  const after = activationEvents(claimed, grant, check.evidence, actor)
  if (s.outcome.used.length > 0) {
    await recordAuditMany(tx, deps, before)
    await recordExceptionUses(tx, deps, s.outcome, {
      requestId: request.id,
      grantId: grant.id,
      action: 'request',
      actor: s.requesterId,
    })
    await recordAuditMany(tx, deps, after)
  } else {
    await recordAuditMany(tx, deps, [...before, ...after])
  }
  deps.faults?.reach('issue.before_commit')
  return grant
}

/**
 * After the commit of an issue in its submission: what the worker's activation would do. Returns
 * the grant as it stands then (re-decided under a bundle reloaded meanwhile, it may have ended).
 */
export async function activatedInSubmission(deps: AppDeps, s: InStoreSubmission, active: Grant): Promise<Grant> {
  deps.faults?.reach('issue.after_commit')
  deps.log.info({ requestId: s.request.id, grantId: active.id, expiresAt: active.expiresAt }, 'grant active')
  deps.signals.grantActivated(active)
  await supersedeExtendedGrant(deps, active, s.request)
  return redecideUnderReloadedBundle(deps, s, active)
}

/**
 * A policy reload re-decides the grants in force that it lists after its swap; this grant,
 * decided on the bundle before it and committed after that listing, would be missed. Whichever
 * came first, one of the two sees the other: swapped before this check, the grant is re-decided
 * here; after it, the swap (and the listing) came after this grant's commit. The request's
 * decision came first, so its bundle is the oldest this grant was decided on.
 */
async function redecideUnderReloadedBundle(deps: AppDeps, s: InStoreSubmission, active: Grant): Promise<Grant> {
  const now = deps.policy.policyHash()
  if (s.request.policyHash === now) return active
  const change = { change: 'policy_reload', from: s.request.policyHash, to: now }
  const { revoked } = await recheckGrants(deps, [active], change, `system:${deps.settings.workerId}`)
  return revoked.length === 0 ? active : ((await deps.store.grants.get(active.id)) ?? active)
}

export function logDeclined(deps: AppDeps, error: InStoreIssueDeclined): void {
  deps.log.info({ grantId: error.grantId, reason: errorReason(error.cause) }, 'issuing in the submission declined; the worker issues')
}

async function checkAndIssue(
  tx: Repositories,
  deps: AppDeps,
  claimed: Grant,
  within: RecheckWithin,
  pre: Prechecked | null,
): Promise<{ check: Recheck; result: Awaited<ReturnType<ConnectorInstance['issue']>> }> {
  try {
    const check = await recheckInTransaction(deps, claimed, within, pre)
    if (!check.allowed) throw new Error('policy refused issuance')
    // The target as this transaction reads it: its connector must still issue in store.
    const instance = await deps.connectors.instanceFor(check.target)
    if (!instance.issueInStore) throw new Error('the target no longer issues in store')
    deps.faults?.reach('issue.before_target')
    const params = deps.connectors.definition(check.target.kind).paramsSchema.parse(check.params) as Record<string, unknown>
    const result = await instance.issueInStore(
      // The grant is inserted by this same transaction, after the issue.
      { ...grantSpecOf(claimed, params, check.expiresAt), uncommitted: true },
      deps.connectors.stateIn(tx, check.target),
      { signal: AbortSignal.timeout(deps.settings.connectorTimeoutMs) },
    )
    return { check, result }
  } catch (error) {
    // PostgreSQL refuses every statement after a failed one: roll it all back either way.
    throw new InStoreIssueDeclined(claimed.id, error)
  }
}

/** What the ordinary submission records for an auto-approved request, in its order. */
function submissionEvents(s: InStoreSubmission): AuditEventInput[] {
  const { request, scheduled } = s
  return [
    s.submitted,
    { type: 'request.approved', actor: 'system:policy', requestId: request.id, data: { digest: request.digest } },
    {
      type: 'grant.scheduled',
      actor: 'system:policy',
      requestId: request.id,
      grantId: scheduled.id,
      data: {
        entitlementId: scheduled.entitlementId,
        targetId: scheduled.targetId,
        connectorKind: scheduled.connectorKind,
        startsAt: scheduled.startsAt,
        expiresAt: scheduled.expiresAt,
      },
    },
  ]
}

/** What the claim and the activation record, as the worker's two transactions would. */
function activationEvents(
  claimed: Grant,
  active: Grant,
  decision: Record<string, unknown>,
  actor: string,
): AuditEventInput[] {
  const base = { actor, requestId: claimed.requestId, grantId: claimed.id }
  return [
    { ...base, type: 'grant.issuing', data: { attempt: claimed.issueAttempts, targetName: claimed.targetName } },
    {
      ...base,
      type: 'grant.activated',
      data: { expiresAt: active.expiresAt, attempt: claimed.issueAttempts, targetName: claimed.targetName, decision },
    },
  ]
}

/** The issuance-time decision refused, or the connector failed: nothing of the submission was kept. */
export class InStoreIssueDeclined extends Error {
  constructor(
    readonly grantId: string,
    cause: unknown,
  ) {
    super('issuing in the submission transaction was declined', { cause })
    this.name = 'InStoreIssueDeclined'
  }
}

function errorReason(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown'
}
