import type { Clock } from '../domain/ports.js'
import type { Repositories } from '../storage/store.js'
import type { Logger } from './deps.js'
import { yieldToEventLoop } from './event-loop.js'

/** Entries per DELETE: on SQLite each statement holds the one write lock, so it stays short. */
export const PRUNE_BATCH_SIZE = 1_000
/** DELETEs per pass over all targets at most; what is left waits for the next pass. */
export const PRUNE_MAX_STATEMENTS = 20

export interface PruneDeps {
  store: Pick<Repositories, 'catalog' | 'connectorState'>
  clock: Clock
  log: Logger
}

export interface PruneSettings {
  /** How long past its `exp` an entry is kept (`lifecycle.revocationRecordRetentionSeconds`). */
  retentionSeconds: number
  batchSize?: number
  maxStatements?: number
}

export interface PruneResult {
  /** Entries deleted in this pass, per connector kind (kinds with none are absent). */
  pruned: Record<string, number>
  /** Targets whose pruning failed in this pass; the next pass tries them again. */
  failures: number
}

/**
 * Deletes the connector state entries that stopped mattering more than the retention ago (jwt
 * revocation records of tokens whose own `exp` now refuses them on any clock within the
 * retention of ours). Entries without `exp` (signing keys, audiences, tokens revoked before they
 * were issued) are never touched. Bounded per pass, so a backlog (the first pass after an
 * upgrade, a long outage) drains over several passes instead of holding the write lock.
 */
export async function pruneConnectorState(
  deps: PruneDeps,
  settings: PruneSettings,
): Promise<PruneResult> {
  const batchSize = settings.batchSize ?? PRUNE_BATCH_SIZE
  let statementsLeft = settings.maxStatements ?? PRUNE_MAX_STATEMENTS
  const below = Math.floor(deps.clock.now().getTime() / 1000) - settings.retentionSeconds
  const result: PruneResult = { pruned: {}, failures: 0 }
  for (const target of await deps.store.catalog.listTargets()) {
    if (statementsLeft === 0) break
    try {
      let deleted = batchSize
      // A short batch means the target has no more to prune.
      while (deleted === batchSize && statementsLeft > 0) {
        statementsLeft--
        deleted = await deps.store.connectorState.deleteExpired(target.id, below, batchSize)
        if (deleted > 0) result.pruned[target.kind] = (result.pruned[target.kind] ?? 0) + deleted
        // Each DELETE resolves at once on SQLite: let requests in between, not after all twenty.
        await yieldToEventLoop()
      }
    } catch (error) {
      result.failures++
      deps.log.warn(
        { err: error, targetId: target.id },
        'pruning connector state failed; the next pass retries',
      )
    }
  }
  return result
}
