import { isDeepStrictEqual } from 'node:util'
import type { AccessRequest } from '../domain/access-request.js'
import type { Grant } from '../domain/grant.js'
import {
  decideRecheck,
  readRecheckInputs,
  type Recheck,
  type RecheckInputs,
  type RecheckWithin,
} from './activate-grant.js'
import type { AppDeps } from './deps.js'

/** An issuance-time decision made ahead of the transaction that issues, and what it was made on. */
export interface Prechecked {
  inputs: RecheckInputs
  check: Recheck
}

/**
 * On SQLite, the issuance-time decision is made before the transaction that issues, on the
 * committed state: inside it, Cedar's time (a decision, or two with exceptions) held the one
 * connection, and with it every other request's writes; the transaction was most of a request
 * (`docs/benchmarks.md`, benchmark 2). The transaction then reads the inputs again and keeps
 * this decision only if they are exactly the same (`recheckInTransaction`). PostgreSQL runs
 * transactions side by side, where reading the inputs twice would only add round trips: null.
 * Null too when the reads fail; the transaction then reads and decides for itself.
 */
export async function precheckIssuance(deps: AppDeps, grant: Grant, request: AccessRequest): Promise<Prechecked | null> {
  if (deps.store.engine !== 'sqlite') return null
  try {
    const inputs = await readRecheckInputs(deps, grant, { repos: deps.store, request })
    return { inputs, check: await decideRecheck(deps, grant, inputs) }
  } catch {
    return null
  }
}

/**
 * The issuance-time decision inside the issuing transaction (T09/T10): on the identities,
 * entitlement, target and exceptions as the transaction reads them. `pre` stands in for it only
 * when it was made on exactly those (deep-equal), in the same second (`context.now` has second
 * resolution), under the bundle now in force; anything else decides again here.
 */
export async function recheckInTransaction(
  deps: AppDeps,
  grant: Grant,
  within: RecheckWithin,
  pre: Prechecked | null,
): Promise<Recheck> {
  const inputs = await readRecheckInputs(deps, grant, within)
  if (pre !== null && stands(deps, pre, inputs)) return pre.check
  return decideRecheck(deps, grant, inputs)
}

function stands(deps: AppDeps, pre: Prechecked, inputs: RecheckInputs): boolean {
  const second = (d: Date) => Math.floor(d.getTime() / 1000)
  return (
    pre.check.evidence.policyHash === deps.policy.policyHash() &&
    second(pre.inputs.now) === second(inputs.now) &&
    isDeepStrictEqual({ ...pre.inputs, now: null }, { ...inputs, now: null })
  )
}
