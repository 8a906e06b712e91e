import { AppError } from '../domain/errors.js'
import { canTransitionGrant, type Grant } from '../domain/grant.js'
import type { Repositories } from '../storage/store.js'
import type { IntentHandle } from '../connectors/connector.js'

/**
 * Persists a grant transition with compare-and-swap: returns the stored grant, or null when
 * another process changed the grant first (it then owns the next step).
 */
export async function casGrant(
  tx: Repositories,
  current: Grant,
  changes: GrantChanges,
): Promise<Grant | null> {
  const [stored] = await casGrants(tx, [{ current, changes }])
  return stored ?? null
}

type GrantChanges = Partial<Omit<Grant, 'id' | 'version'>>

/**
 * casGrant for many grants in one go (a revocation batch): each succeeds or loses on its own.
 * Only the changed fields are written; the rest cannot differ, since the version still matched.
 */
export async function casGrants(
  tx: Repositories,
  items: ReadonlyArray<{ current: Grant; changes: GrantChanges }>,
): Promise<Array<Grant | null>> {
  const patches = items.map(({ current, changes }) => {
    const next: Grant = { ...current, ...changes, version: current.version + 1 }
    if (next.state !== current.state && !canTransitionGrant(current.state, next.state)) {
      throw new AppError('grant.not_active', `A grant cannot go from ${current.state} to ${next.state}`)
    }
    const fields = Object.keys(changes) as Array<keyof GrantChanges>
    return { grant: next, expectedVersion: current.version, fields }
  })
  const changed = await tx.grants.patchMany(patches)
  return patches.map((p, i) => (changed[i] === true ? p.grant : null))
}

/**
 * The handle a revoke gets when issuance never recorded one (a crash between the target call
 * and the commit): connectors derive target names from the grant id, so this is enough to find
 * and remove an earlier attempt.
 */
export function intentHandle(grant: Pick<Grant, 'id' | 'targetName'>): Record<string, unknown> {
  const handle: IntentHandle = { grantId: grant.id, targetName: grant.targetName, intent: true }
  return { ...handle }
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : 'unknown failure'
  return text.slice(0, 500)
}
