import type { AppDeps } from './deps.js'
import { errorText } from './grant-transitions.js'
import { reconcileTarget, type ReconcileResult } from './reconcile-target.js'

/** Reconciles every target whose connector can list; one target's failure does not stop the rest. */
export async function reconcileAll(deps: AppDeps, actor: string): Promise<ReconcileResult[]> {
  const results: ReconcileResult[] = []
  for (const target of await deps.store.catalog.listTargets()) {
    try {
      results.push(await reconcileTarget(deps, target.id, actor))
    } catch (error) {
      deps.log.warn({ targetId: target.id, err: error }, 'reconciliation failed')
      results.push({ targetId: target.id, supported: true, observed: 0, opened: 0, resolved: 0, removed: 0, failures: [errorText(error)] })
    }
  }
  return results
}
