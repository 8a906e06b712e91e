import type { GrantState } from './grant.js'

export const FINDING_KINDS = [
  'shadow',
  'lingering',
  'drift',
  'orphaned_nhi',
  'stale_credential',
  'exception_drift',
] as const
export type FindingKind = (typeof FINDING_KINDS)[number]

export const FINDING_STATES = ['open', 'resolved', 'accepted'] as const
export type FindingState = (typeof FINDING_STATES)[number]

/** Something reconciliation found on a target that the grants do not explain. */
export interface Finding {
  id: string
  targetId: string
  kind: FindingKind
  /** Stable identity of the access entry on the target (TargetAccess.key). */
  key: string
  principal: string
  grantId: string | null
  details: Record<string, unknown>
  state: FindingState
  firstSeenAt: Date
  lastSeenAt: Date
  resolvedAt: Date | null
  resolution: string | null
  acceptedBy: string | null
  acceptReason: string | null
  acceptedUntil: Date | null
  version: number
}

/** What a connector reported, reduced to what the diff needs. */
export interface ObservedAccess {
  key: string
  principal: string
  grantId: string | null
  privileges: string[]
}

/** What the grants say should be there. */
export interface ExpectedAccess {
  grantId: string
  state: GrantState
  /** Privileges the grant's entitlement gives, when the connector can say; null skips drift. */
  privileges: string[] | null
}

export interface Discrepancy {
  kind: Extract<FindingKind, 'shadow' | 'lingering' | 'drift'>
  entry: ObservedAccess
  details: Record<string, unknown>
}

/** Grant states in which access on the target is expected (or may legitimately still exist). */
const EXPECTED: ReadonlySet<GrantState> = new Set([
  'issuing',
  'active',
  'revoking',
  'revoke_failed',
  'irrevocable',
])

/**
 * Desired (grants) against actual (target). Access no grant created is shadow; access whose grant
 * ended (or never existed) is lingering; access that differs from what its grant gives is drift.
 * Never adopts: nothing found on a target becomes a grant.
 */
export function diffAccess(
  observed: readonly ObservedAccess[],
  grants: ReadonlyMap<string, ExpectedAccess>,
): Discrepancy[] {
  const out: Discrepancy[] = []
  for (const entry of observed) {
    if (entry.grantId === null) {
      out.push({ kind: 'shadow', entry, details: { reason: 'no grant created this access' } })
      continue
    }
    const grant = grants.get(entry.grantId)
    if (!grant) {
      out.push({ kind: 'lingering', entry, details: { reason: 'named for a grant Hourglass has no record of' } })
      continue
    }
    if (!EXPECTED.has(grant.state)) {
      out.push({ kind: 'lingering', entry, details: { reason: `grant is ${grant.state}`, grantState: grant.state } })
      continue
    }
    if (grant.privileges !== null && !samePrivileges(grant.privileges, entry.privileges)) {
      out.push({
        kind: 'drift',
        entry,
        details: { expected: [...grant.privileges].sort(), actual: [...entry.privileges].sort() },
      })
    }
  }
  return out
}

function samePrivileges(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort()
  const y = [...new Set(b)].sort()
  return x.length === y.length && x.every((v, i) => v === y[i])
}

/** Accepting a finding is a time-bound exception: it needs a reason and ends within 90 days. */
export const MAX_ACCEPT_SECONDS = 90 * 86400
