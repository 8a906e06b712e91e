import type { Grant, GrantState } from '../domain/grant.js'
import { recheckPolicy } from './activate-grant.js'
import type { AppDeps } from './deps.js'
import { endGrantsForChange } from './end-grants.js'
import { recordAudit } from './load.js'

const RECHECKED_STATES: readonly GrantState[] = ['active', 'issuing']

export interface RecheckResult {
  checked: number
  revoked: string[]
}

/**
 * Decide with fresh data on a context change (I7): every grant given that is active or being
 * issued is checked again as at issuance (`activate`, fresh identities, the bundle and exceptions
 * in force now), and those no longer permitted are revoked with reason `context_change` and the
 * change that caused it. A grant being issued was decided before the change, perhaps: ended now,
 * its activation's compare-and-swap loses and the credential it got is revoked.
 */
export async function recheckGrants(
  deps: AppDeps,
  grants: readonly Grant[],
  change: Record<string, unknown>,
  actor: string,
): Promise<RecheckResult> {
  const failing: Grant[] = []
  const reasons = new Map<string, unknown>()
  let checked = 0
  for (const grant of grants) {
    if (!RECHECKED_STATES.includes(grant.state)) continue
    checked++
    try {
      const check = await recheckPolicy(deps, grant)
      if (check.allowed) continue
      failing.push(grant)
      reasons.set(grant.id, check.evidence)
    } catch (error) {
      // Missing data (a deleted entitlement) means the grant cannot be justified any more.
      failing.push(grant)
      reasons.set(grant.id, { error: error instanceof Error ? error.message : 'recheck failed' })
    }
  }
  const revoked: string[] = []
  for (const grant of failing) {
    const cause = { ...change, decision: reasons.get(grant.id) }
    revoked.push(...(await endGrantsForChange(deps, [grant], 'context_change', actor, cause)))
  }
  if (checked > 0) {
    await deps.store.transaction((tx) =>
      recordAudit(tx, deps, {
        type: 'grants.rechecked',
        actor,
        data: { ...change, checked, revoked },
      }),
    )
  }
  return { checked, revoked }
}

/**
 * The grants a change may affect (all of them for a policy reload): active, and those being
 * issued, whose issuance-time decision may predate the change. Listed after the change commits,
 * so a grant claimed later decides on the changed context itself.
 */
export async function grantsInForce(
  deps: Pick<AppDeps, 'store'>,
  filter: { subjectId?: string } = {},
): Promise<Grant[]> {
  return deps.store.grants.list({ ...filter, states: RECHECKED_STATES, limit: 100_000 })
}
