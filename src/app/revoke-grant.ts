import { ConnectorError } from '../connectors/connector.js'
import { AppError } from '../domain/errors.js'
import { backoffMs, type Grant, type RevokeReason, type VerificationResult } from '../domain/grant.js'
import type { Identity } from '../domain/identity.js'
import type { AppDeps } from './deps.js'
import { casGrant, errorText, intentHandle } from './grant-transitions.js'
import { isAdmin, recordAudit, requireEntitlement, requireGrant, requireRequest } from './load.js'

/**
 * Asks for a grant to end now. The state change commits first; the target call runs after,
 * in `executeRevocation`, so a crash in between leaves a `revoking` grant that any worker resumes.
 */
export async function requestRevocation(
  deps: AppDeps,
  actor: Identity,
  grantId: string,
  reason: Extract<RevokeReason, 'manual' | 'completed'>,
): Promise<Grant> {
  const grant = await requireGrant(deps.store, grantId)
  await assertMayEnd(deps, actor, grant, reason)
  const ended = await endGrant(deps, grantId, reason, actor.id)
  if (ended.state === 'revoking') await executeRevocation(deps, grantId)
  return requireGrant(deps.store, grantId)
}

async function assertMayEnd(
  deps: AppDeps,
  actor: Identity,
  grant: Grant,
  reason: 'manual' | 'completed',
): Promise<void> {
  const request = await requireRequest(deps.store, grant.requestId)
  const isHolder = actor.id === grant.subjectId || actor.id === request.requesterId
  if (reason === 'completed') {
    if (!isHolder) throw new AppError('auth.forbidden', 'Only the holder can complete a grant')
    return
  }
  const entitlement = await requireEntitlement(deps.store, grant.entitlementId)
  if (isHolder || entitlement.owners.includes(actor.id)) return
  if (isAdmin(actor, deps.settings.adminGroup)) return
  throw new AppError('auth.forbidden', 'Only the holder, an owner or an admin can revoke a grant')
}

/**
 * Marks a grant for revocation with a reason (idempotent). A grant never issued ends at once;
 * one being issued right now is flagged, and its issuer hands it to revocation when it commits.
 * `cause` says which change caused it (a closed ticket, an offboarding, a policy reload…) and is
 * recorded with the revocation.
 */
export async function endGrant(
  deps: AppDeps,
  grantId: string,
  reason: RevokeReason,
  actor: string,
  cause?: Record<string, unknown>,
): Promise<Grant> {
  const now = deps.clock.now()
  const result = await deps.store.transaction(async (tx) => {
    const g = await requireGrant(tx, grantId)
    const base = { revokeReason: reason, revokeDueAt: now }
    let next: Grant | null
    switch (g.state) {
      case 'scheduled':
        next = await casGrant(tx, g, {
          ...base,
          state: 'revoked',
          revokedAt: now,
          revocationLagMs: 0,
          verification: 'not_issued',
        })
        break
      case 'issuing':
        next = g.revokeDueAt ? g : await casGrant(tx, g, base)
        break
      case 'issue_failed':
      case 'active':
        next = await casGrant(tx, g, { ...base, state: 'revoking', leaseOwner: null, leaseUntil: null })
        break
      case 'revoking':
      case 'revoke_failed':
      case 'irrevocable':
      case 'revoked':
        return g
    }
    if (!next) throw new AppError('grant.concurrent_update', 'The grant changed; try again')
    await recordAudit(tx, deps, {
      type: next.state === 'revoked' ? 'grant.revoked' : 'grant.revocation_requested',
      actor,
      requestId: g.requestId,
      grantId,
      data: {
        reason,
        fromState: g.state,
        verification: next.verification,
        ...(cause !== undefined ? { cause } : {}),
      },
    })
    return next
  })
  if (result.state === 'revoking') deps.signals.revocationRequested(grantId)
  return result
}

function isRevocableNow(g: Grant, now: Date): boolean {
  const t = now.getTime()
  switch (g.state) {
    case 'active':
      return g.expiresAt.getTime() <= t
    case 'revoking':
      return g.leaseUntil === null || g.leaseUntil.getTime() <= t
    case 'revoke_failed':
    case 'irrevocable':
      return g.nextAttemptAt === null || g.nextAttemptAt.getTime() <= t
    case 'scheduled':
    case 'issuing':
    case 'issue_failed':
    case 'revoked':
      return false
  }
}

/**
 * Claims a due grant, revokes it on the target, verifies access is gone, and records the outcome.
 * Several processes may call this for the same grant: compare-and-swap lets exactly one proceed.
 * Returns the grant as it ended, or null when there was nothing (more) to do here.
 */
export async function executeRevocation(deps: AppDeps, grantId: string): Promise<Grant | null> {
  const { store, clock, settings } = deps
  const now = clock.now()
  const claimed = await store.transaction(async (tx) => {
    const g = await tx.grants.get(grantId)
    if (!g || !isRevocableNow(g, now)) return null
    const next = await casGrant(tx, g, {
      state: 'revoking',
      revokeReason: g.revokeReason ?? 'expired',
      revokeDueAt: g.revokeDueAt ?? g.expiresAt,
      revokeAttempts: g.revokeAttempts + 1,
      leaseOwner: settings.workerId,
      leaseUntil: new Date(now.getTime() + settings.leaseMs),
    })
    if (!next) return null
    await recordAudit(tx, deps, {
      type: 'grant.revoking',
      actor: `system:${settings.workerId}`,
      requestId: g.requestId,
      grantId,
      data: { reason: next.revokeReason, attempt: next.revokeAttempts, fromState: g.state },
    })
    return next
  })
  if (!claimed) return null

  let verification: VerificationResult
  deps.faults?.reach('revoke.before_target')
  try {
    verification = await revokeOnTarget(deps, claimed)
  } catch (error) {
    return recordRevokeFailure(deps, claimed, error)
  }
  deps.faults?.reach('revoke.after_target')
  const revokedAt = clock.now()
  const lag = Math.max(0, revokedAt.getTime() - (claimed.revokeDueAt ?? claimed.expiresAt).getTime())
  const done = await store.transaction(async (tx) => {
    const next = await casGrant(tx, claimed, {
      state: 'revoked',
      revokedAt,
      revocationLagMs: lag,
      verification,
      leaseOwner: null,
      leaseUntil: null,
      nextAttemptAt: null,
      lastError: null,
      // A credential nobody picked up must not outlive the grant, even sealed.
      credentialCiphertext: null,
    })
    if (!next) return null
    await recordAudit(tx, deps, {
      type: 'grant.revoked',
      actor: `system:${settings.workerId}`,
      requestId: claimed.requestId,
      grantId,
      data: {
        reason: claimed.revokeReason,
        revocationLagMs: lag,
        verification,
        attempts: claimed.revokeAttempts,
      },
    })
    deps.faults?.reach('revoke.before_commit')
    return next
  })
  if (done) {
    deps.faults?.reach('revoke.after_commit')
    deps.log.info({ grantId, lagMs: lag, verification }, 'grant revoked')
    deps.signals.grantRevoked(done)
  }
  return done
}

async function revokeOnTarget(deps: AppDeps, grant: Grant): Promise<VerificationResult> {
  if (grant.issueAttempts === 0) return 'not_issued'
  const target = await deps.store.catalog.getTarget(grant.targetId)
  if (!target) throw new ConnectorError('not-found', 'target is no longer configured', { retryable: true })
  const instance = await deps.connectors.instanceFor(target)
  const handle = grant.handle ?? intentHandle(grant)
  const signal = AbortSignal.timeout(deps.settings.connectorTimeoutMs)
  await instance.revoke(handle, { signal })
  if (!instance.inspect) return 'not_supported'
  const live = await instance.inspect(handle, { signal: AbortSignal.timeout(deps.settings.connectorTimeoutMs) })
  if (live === 'live') {
    throw new ConnectorError('conflict', 'access is still live on the target after revoke', {
      retryable: true,
    })
  }
  return 'gone'
}

async function recordRevokeFailure(deps: AppDeps, claimed: Grant, error: unknown): Promise<Grant | null> {
  const { settings, clock } = deps
  const now = clock.now()
  const final = claimed.revokeAttempts >= settings.revoke.maxAttempts
  const wait = final
    ? settings.irrevocableRetryMs
    : backoffMs(claimed.revokeAttempts, settings.revoke.baseMs, settings.revoke.capMs, deps.random())
  const message = errorText(error)
  const next = await deps.store.transaction(async (tx) => {
    const stored = await casGrant(tx, claimed, {
      state: final ? 'irrevocable' : 'revoke_failed',
      nextAttemptAt: new Date(now.getTime() + wait),
      lastError: message,
      leaseOwner: null,
      leaseUntil: null,
    })
    if (!stored) return null
    await recordAudit(tx, deps, {
      type: final ? 'grant.irrevocable' : 'grant.revoke_failed',
      actor: `system:${settings.workerId}`,
      requestId: claimed.requestId,
      grantId: claimed.id,
      data: { attempt: claimed.revokeAttempts, error: message, nextAttemptAt: new Date(now.getTime() + wait) },
    })
    return stored
  })
  if (next && final) {
    deps.log.error({ grantId: claimed.id, error: message }, 'grant is irrevocable: a human must act')
    deps.signals.grantIrrevocable(next)
  } else if (next) {
    deps.log.warn({ grantId: claimed.id, attempt: claimed.revokeAttempts, error: message }, 'revocation failed; will retry')
  }
  return next
}
