import type { AppDeps } from './deps.js'
import { recordAudit } from './load.js'
import { grantsInForce, recheckGrants, type RecheckResult } from './recheck-grants.js'

/**
 * Re-reads the policy bundle; a change is audited with both hashes so decisions stay attributable,
 * and every active grant is checked again under the new bundle: those it no longer permits are
 * revoked (a tightened policy applies to access already given, not only to new requests).
 */
export async function reloadPolicy(
  deps: AppDeps,
  actor: string,
): Promise<{ policyHash: string; changed: boolean; recheck?: RecheckResult }> {
  const before = deps.policy.policyHash()
  const result = await deps.policy.reload()
  if (!result.changed) return result
  await deps.store.transaction((tx) =>
    recordAudit(tx, deps, {
      type: 'policy.loaded',
      actor,
      data: { from: before, to: result.policyHash },
    }),
  )
  deps.log.info({ from: before, to: result.policyHash }, 'policy bundle reloaded')
  const recheck = await recheckGrants(
    deps,
    await grantsInForce(deps),
    { change: 'policy_reload', from: before, to: result.policyHash },
    actor,
  )
  return { ...result, recheck }
}
