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
  changes: Partial<Omit<Grant, 'id' | 'version'>>,
): Promise<Grant | null> {
  const next: Grant = { ...current, ...changes, version: current.version + 1 }
  if (next.state !== current.state && !canTransitionGrant(current.state, next.state)) {
    throw new AppError('grant.not_active', `A grant cannot go from ${current.state} to ${next.state}`)
  }
  return (await tx.grants.update(next, current.version)) ? next : null
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
