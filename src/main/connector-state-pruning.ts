import { pruneConnectorState, type PruneDeps } from '../app/prune-connector-state.js'
import type { Metrics } from '../observability/metrics.js'

/** How often the sweep prunes at most, by the engine's clock. */
export const PRUNE_INTERVAL_MS = 60_000

/**
 * The prune step as the sweep runs it: at most once a minute, counted in metrics, and never
 * thrown, so a database hiccup here cannot cut the rest of the sweep short.
 */
export function connectorStatePruning(
  deps: PruneDeps,
  metrics: Pick<Metrics, 'connectorStatePruned' | 'connectorStatePruneFailures'>,
  retentionSeconds: number,
): () => Promise<void> {
  let lastPrune = -Infinity
  return async () => {
    const now = deps.clock.now().getTime()
    if (now - lastPrune < PRUNE_INTERVAL_MS) return
    lastPrune = now
    try {
      const { pruned, failures } = await pruneConnectorState(deps, { retentionSeconds })
      for (const [kind, n] of Object.entries(pruned)) metrics.connectorStatePruned.inc({ kind }, n)
      if (failures > 0) metrics.connectorStatePruneFailures.inc(failures)
    } catch (error) {
      metrics.connectorStatePruneFailures.inc()
      deps.log.warn({ err: error }, 'pruning connector state failed; the next pass retries')
    }
  }
}
