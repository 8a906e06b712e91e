import type { AppDeps } from './deps.js'
import { recordAudit } from './load.js'

/** Re-reads the policy bundle; a change is audited with both hashes so decisions stay attributable. */
export async function reloadPolicy(
  deps: AppDeps,
  actor: string,
): Promise<{ policyHash: string; changed: boolean }> {
  const before = deps.policy.policyHash()
  const result = await deps.policy.reload()
  if (result.changed) {
    await deps.store.transaction((tx) =>
      recordAudit(tx, deps, { type: 'policy.loaded', actor, data: { from: before, to: result.policyHash } }),
    )
    deps.log.info({ from: before, to: result.policyHash }, 'policy bundle reloaded')
  }
  return result
}
