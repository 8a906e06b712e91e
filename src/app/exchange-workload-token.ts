import { createHash, timingSafeEqual } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Secret } from '../config/secret.js'
import { AppError, isAppError } from '../domain/errors.js'
import type { Grant } from '../domain/grant.js'
import type { Identity } from '../domain/identity.js'
import { effectiveApprovals } from '../domain/obligations.js'
import { cleanText } from '../domain/safe-text.js'
import type { VerifiedWorkloadToken } from '../domain/workload-exchange.js'
import { activateGrant } from './activate-grant.js'
import { cancelRequest } from './cancel-request.js'
import { decideWithExceptions } from './decide-with-exceptions.js'
import type { AppDeps } from './deps.js'
import { decisionContext, recordAudit, requireEntitlement, requireIdentity, requireTarget } from './load.js'
import { retrieveCredential } from './retrieve-credential.js'
import { endGrant, executeRevocation, requestRevocation } from './revoke-grant.js'
import { submitRequest } from './submit-request.js'

const ACTOR = 'system:exchange'
/** A used token id is kept past the token's expiry by the verifier's clock tolerance, and more. */
const TOKEN_ID_RETENTION_MS = 5 * 60 * 1000
const COMPLETION_TOKEN_PREFIX = 'hgc_'

export interface ExchangeInput {
  entitlementId: string
  durationSeconds?: number | undefined
}

export interface ExchangeResult {
  requestId: string
  grantId: string
  workloadId: string
  entitlementId: string
  credential: Secret
  instructions: string | null
  expiresAt: Date
  /** Lets the job end its grant when it is done (POST /v1/exchange/complete); shown once. */
  completionToken: Secret
}

/**
 * Zero standing privilege for pipelines: a job trades its platform's OIDC token for a credential
 * it holds only while it runs. The token is used once; its claims must name an eligible workload;
 * policy decides as for any request, and anything that would need a reviewer is refused at once
 * (a pipeline cannot wait). The grant is issued here and now, and the credential is handed over
 * exactly once, like POST /v1/grants/{id}/credential.
 */
export async function exchangeWorkloadToken(
  deps: AppDeps,
  token: VerifiedWorkloadToken,
  input: ExchangeInput,
): Promise<ExchangeResult> {
  const evidence = {
    issuer: token.issuer,
    subject: token.subject,
    tokenId: token.tokenId,
    entitlementId: input.entitlementId,
    claims: token.claims,
  }
  await consumeToken(deps, token, evidence)
  let workload: Identity
  let submitted: Awaited<ReturnType<typeof submitRequest>>
  try {
    workload = await eligibleWorkload(deps, token)
    await assertNoReviewNeeded(deps, workload, input)
    // The engine is not told about the new grant: it is issued right here, in this call.
    const quiet: AppDeps = { ...deps, signals: { ...deps.signals, grantScheduled: () => undefined } }
    submitted = await submitRequest(quiet, workload, {
      entitlementId: input.entitlementId,
      justification: justificationOf(workload, token),
      durationSeconds: input.durationSeconds,
      revocationCondition: 'task_completion',
    })
    if (submitted.grant === null) {
      // The policy changed between the check above and the submission: never leave it pending.
      await cancelRequest(deps, workload, submitted.request.id)
      throw reviewRequired()
    }
  } catch (error) {
    if (isAppError(error)) await refuse(deps, error.code, { ...evidence, ...error.details })
    throw error
  }
  const grantId = submitted.grant.id
  const completion = newCompletionToken(deps)
  await deps.store.transaction(async (tx) => {
    await tx.workloadExchanges.insert({
      grantId,
      requestId: submitted.request.id,
      workloadId: workload.id,
      issuer: token.issuer,
      subject: token.subject,
      tokenId: token.tokenId,
      claims: token.claims,
      completionTokenHash: completion.hash,
      createdAt: deps.clock.now(),
    })
    await recordAudit(tx, deps, {
      type: 'exchange.accepted',
      actor: ACTOR,
      requestId: submitted.request.id,
      grantId,
      data: { ...evidence, workloadId: workload.id },
    })
  })
  // Issued already when its connector issues in the submission's transaction.
  const active = submitted.grant.state === 'active' ? submitted.grant : await issueNow(deps, grantId)
  const credential = await retrieveCredential(deps, workload, active.id)
  deps.log.info({ grantId, workloadId: workload.id, issuer: token.issuer }, 'workload token exchanged')
  return {
    requestId: submitted.request.id,
    grantId,
    workloadId: workload.id,
    entitlementId: input.entitlementId,
    credential: credential.credential,
    instructions: credential.instructions,
    expiresAt: credential.expiresAt,
    completionToken: completion.token,
  }
}

/** The job says it is done: its grant ends now. Only the completion token handed to it may. */
export async function completeExchangedGrant(
  deps: AppDeps,
  grantId: string,
  completionToken: string,
): Promise<Grant> {
  const binding = await deps.store.workloadExchanges.getByGrant(grantId)
  const presented = Buffer.from(sha256(completionToken), 'hex')
  // Compared in constant time even when there is no binding, so timing tells nothing either way.
  const expected = Buffer.from(binding?.completionTokenHash ?? sha256(''), 'hex')
  const matches = timingSafeEqual(presented, expected) && binding !== null
  if (!matches) {
    throw new AppError('exchange.completion_invalid', 'The completion token does not match this grant')
  }
  const workload = await requireIdentity(deps.store, binding.workloadId)
  return requestRevocation(deps, workload, grantId, 'completed')
}

async function consumeToken(
  deps: AppDeps,
  token: VerifiedWorkloadToken,
  evidence: Record<string, unknown>,
): Promise<void> {
  const now = deps.clock.now()
  const fresh = await deps.store.transaction(async (tx) => {
    const first = await tx.nonces.remember(
      `jti:${token.issuer}`,
      token.tokenId,
      new Date(Math.max(token.expiresAt.getTime(), now.getTime()) + TOKEN_ID_RETENTION_MS),
      now,
    )
    if (!first) {
      await recordAudit(tx, deps, {
        type: 'exchange.refused',
        actor: ACTOR,
        data: { ...evidence, reason: 'exchange.token_replayed' },
      })
    }
    return first
  })
  if (!fresh) {
    throw new AppError('exchange.token_replayed', 'This token was already exchanged; each token is used once')
  }
}

async function refuse(deps: AppDeps, reason: string, data: Record<string, unknown>): Promise<void> {
  await deps.store.transaction((tx) =>
    recordAudit(tx, deps, { type: 'exchange.refused', actor: ACTOR, data: { ...data, reason } }),
  )
  deps.log.warn({ reason, issuer: data.issuer, subject: data.subject }, 'workload token exchange refused')
}

/** An existing, active workload with an active human owner: no orphaned pipeline gets access. */
async function eligibleWorkload(deps: AppDeps, token: VerifiedWorkloadToken): Promise<Identity> {
  const mapping = token.mapping
  if (!mapping.ok) {
    throw new AppError('exchange.unmapped', 'The token names no workload identity here', {
      details: { mappingReason: mapping.reason, ...(mapping.claim === undefined ? {} : { claim: mapping.claim }) },
    })
  }
  const workload = await deps.store.identities.get(mapping.workloadId)
  if (!workload) {
    throw new AppError('exchange.unmapped', 'The token maps to no existing workload identity', {
      details: { workloadId: mapping.workloadId },
    })
  }
  const owner = workload.ownerId === null ? null : await deps.store.identities.get(workload.ownerId)
  const problem =
    workload.kind !== 'workload'
      ? 'is not a workload'
      : workload.status !== 'active'
        ? `is ${workload.status}`
        : owner?.kind !== 'human' || owner.status !== 'active'
          ? 'has no active human owner'
          : null
  if (problem !== null) {
    throw new AppError('exchange.workload_ineligible', `Workload ${workload.id} ${problem}`, {
      details: { workloadId: workload.id },
    })
  }
  return workload
}

/** What policy would require, decided before anything is written: no request is left pending. */
async function assertNoReviewNeeded(deps: AppDeps, workload: Identity, input: ExchangeInput): Promise<void> {
  const entitlement = await requireEntitlement(deps.store, input.entitlementId)
  const target = await requireTarget(deps.store, entitlement.targetId)
  const durationSeconds = input.durationSeconds ?? entitlement.defaultDurationSeconds
  const { decision } = await decideWithExceptions(deps, {
    action: 'request',
    principal: workload,
    entitlement,
    target,
    subject: workload,
    context: decisionContext({ durationSeconds, ticketRef: null }, deps.clock.now()),
  })
  // A denial is left to submitRequest, which records the denied request like any other.
  if (decision.allowed && effectiveApprovals(decision.obligations) > 0) throw reviewRequired()
}

function reviewRequired(): AppError {
  return new AppError(
    'exchange.review_required',
    'Policy needs a reviewer for this entitlement; a workload exchange cannot wait for one',
  )
}

/**
 * Issues the grant before answering. Another worker may have claimed it first (a sweep), so
 * when this call did not issue it, it waits for whoever did, up to one connector timeout.
 */
async function issueNow(deps: AppDeps, grantId: string): Promise<Grant> {
  let grant = await activateGrant(deps, grantId)
  const deadline = Date.now() + deps.settings.connectorTimeoutMs + 1000
  while ((grant === null || grant.state === 'scheduled' || grant.state === 'issuing') && Date.now() < deadline) {
    await sleep(50)
    grant = await deps.store.grants.get(grantId)
  }
  if (grant?.state === 'active') return grant
  // Nobody is waiting for a late credential: end the grant rather than issue it unseen.
  if (grant !== null && grant.revokeDueAt === null) {
    const ended = await endGrant(deps, grantId, 'cancelled', ACTOR)
    if (ended.state === 'revoking') await executeRevocation(deps, grantId)
  }
  if (grant?.revokeReason === 'activation_denied') {
    throw new AppError('request.denied_by_policy', 'Policy refused issuance for this workload', {
      details: { grantId },
    })
  }
  throw new AppError('connector.failed', 'The target could not issue the credential now; try again', {
    details: { grantId, ...(grant?.lastError ? { lastError: grant.lastError } : {}) },
  })
}

function justificationOf(workload: Identity, token: VerifiedWorkloadToken): string {
  const claims = Object.entries(token.claims)
    .filter(([name]) => name !== 'sub')
    .map(([name, value]) => `${name}=${value}`)
    .join(', ')
  return cleanText(
    `Workload token exchange by ${workload.id}: ${token.issuer} sub ${token.subject} jti ${token.tokenId}` +
      (claims === '' ? '' : ` (${claims})`),
    2000,
  )
}

function newCompletionToken(deps: AppDeps): { token: Secret; hash: string } {
  const bytes = deps.ids.randomBytes(32)
  if (bytes.length !== 32) throw new AppError('internal', 'random source returned too few bytes')
  const token = COMPLETION_TOKEN_PREFIX + Buffer.from(bytes).toString('base64url')
  return { token: new Secret(token), hash: sha256(token) }
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}
