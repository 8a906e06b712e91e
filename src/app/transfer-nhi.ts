import { AppError } from '../domain/errors.js'
import type { Grant } from '../domain/grant.js'
import type { Identity } from '../domain/identity.js'
import type { AppDeps } from './deps.js'
import { resolveGovernanceFinding } from './governance-findings.js'
import { isAdmin, recordAudit, requireIdentity } from './load.js'
import { grantsInForce, recheckGrants } from './recheck-grants.js'

/**
 * Gives an NHI a new accountable owner: an active person. Resolves its orphaned finding, and its
 * active grants are checked again — those the old owner asked for no longer pass policy (the
 * subject is no longer theirs) and end; the new owner asks afresh for what the NHI needs.
 */
export async function transferNhi(
  deps: AppDeps,
  actor: Identity,
  nhiId: string,
  newOwnerId: string,
): Promise<{ identity: Identity; revoked: string[] }> {
  const nhi = await requireIdentity(deps.store, nhiId)
  if (nhi.kind === 'human')
    throw new AppError('input.invalid', `${nhiId} is a person, not a non-human identity`)
  const owner = await requireIdentity(deps.store, newOwnerId)
  if (owner.kind !== 'human' || owner.status !== 'active') {
    throw new AppError('identity.owner_required', 'The new owner must be an active person')
  }
  const now = deps.clock.now()
  const from = nhi.ownerId
  const identity = await deps.store.transaction(async (tx) => {
    const current = await requireIdentity(tx, nhiId)
    if (current.ownerId === owner.id) return current
    const next: Identity = {
      ...current,
      ownerId: owner.id,
      updatedAt: now,
      version: current.version + 1,
    }
    if (!(await tx.identities.update(next, current.version))) {
      throw new AppError('identity.concurrent_update', 'The identity changed meanwhile; try again')
    }
    await recordAudit(tx, deps, {
      type: 'nhi.transferred',
      actor: actor.id,
      data: { identityId: nhiId, from, to: owner.id, purpose: current.purpose },
    })
    return next
  })
  if (from === owner.id) return { identity, revoked: [] }
  await resolveGovernanceFinding(
    deps,
    'orphaned_nhi',
    `nhi:${nhiId}`,
    `transferred to ${owner.id}`,
    actor.id,
  )
  const { revoked } = await recheckGrants(
    deps,
    await grantsInForce(deps, { subjectId: nhiId }),
    { change: 'nhi_transferred', identityId: nhiId, from, to: owner.id },
    actor.id,
  )
  return { identity, revoked }
}

export interface NhiSummary {
  identity: Identity
  owner: Pick<Identity, 'id' | 'status' | 'kind'> | null
  orphaned: boolean
  lastGrant: Grant | null
  /** Seconds since the last credential was issued to it; null if none ever was. */
  credentialAgeSeconds: number | null
}

/** NHIs with their accountable owner and activity; admins see all, anyone else those they own. */
export async function describeNhis(deps: AppDeps, actor: Identity): Promise<NhiSummary[]> {
  const now = deps.clock.now()
  const all = (await deps.store.identities.list()).filter((i) => i.kind !== 'human')
  const visible = isAdmin(actor, deps.settings.adminGroup)
    ? all
    : all.filter((i) => i.ownerId === actor.id)
  const out: NhiSummary[] = []
  for (const identity of visible) {
    const owner =
      identity.ownerId !== null ? await deps.store.identities.get(identity.ownerId) : null
    const grants = await deps.store.grants.list({ subjectId: identity.id, limit: 100 })
    const issued = grants
      .map((g) => g.issuedAt)
      .filter((d): d is Date => d !== null)
      .sort((a, b) => b.getTime() - a.getTime())[0]
    out.push({
      identity,
      owner: owner ? { id: owner.id, status: owner.status, kind: owner.kind } : null,
      orphaned: owner === null || owner.status !== 'active' || owner.kind !== 'human',
      lastGrant: grants[0] ?? null,
      credentialAgeSeconds: issued ? Math.floor((now.getTime() - issued.getTime()) / 1000) : null,
    })
  }
  return out
}
