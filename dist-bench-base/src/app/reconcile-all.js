import { errorText } from './grant-transitions.js';
import { reconcileTarget } from './reconcile-target.js';
/** Reconciles every target whose connector can list; one target's failure does not stop the rest. */
export async function reconcileAll(deps, actor) {
    const results = [];
    for (const target of await deps.store.catalog.listTargets()) {
        try {
            results.push(await reconcileTarget(deps, target.id, actor));
        }
        catch (error) {
            deps.log.warn({ targetId: target.id, err: error }, 'reconciliation failed');
            results.push({ targetId: target.id, supported: true, observed: 0, opened: 0, resolved: 0, removed: 0, failures: [errorText(error)] });
        }
    }
    return results;
}
