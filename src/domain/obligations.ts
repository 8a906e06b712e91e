/**
 * What policy requires before a request may become a grant. Obligations come from annotations
 * on the permit policies that determined a decision and are combined strictest-wins.
 */
export interface Obligations {
  /** Distinct human approvals required; 0 means auto-approve. */
  approvals: number
  /** At least one approval must come from an owner of the entitlement. */
  ownerApproval: boolean
  /** For each group named, at least one approval must come from a member of it. */
  approverGroups: string[]
  /** Upper bound on the grant's duration, in seconds. */
  maxDurationSeconds: number | null
  ticketRequired: boolean
}

export const NO_OBLIGATIONS: Obligations = {
  approvals: 0,
  ownerApproval: false,
  approverGroups: [],
  maxDurationSeconds: null,
  ticketRequired: false,
}

/** Strictest-wins: more approvals, any owner requirement, union of groups, the shortest cap. */
export function combineObligations(all: readonly Obligations[]): Obligations {
  return all.reduce<Obligations>(
    (acc, o) => ({
      approvals: Math.max(acc.approvals, o.approvals),
      ownerApproval: acc.ownerApproval || o.ownerApproval,
      approverGroups: [...new Set([...acc.approverGroups, ...o.approverGroups])].sort(),
      maxDurationSeconds:
        acc.maxDurationSeconds === null
          ? o.maxDurationSeconds
          : o.maxDurationSeconds === null
            ? acc.maxDurationSeconds
            : Math.min(acc.maxDurationSeconds, o.maxDurationSeconds),
      ticketRequired: acc.ticketRequired || o.ticketRequired,
    }),
    NO_OBLIGATIONS,
  )
}

/** Approvals can never be fewer than what owner/group requirements imply. */
export function effectiveApprovals(o: Obligations): number {
  return Math.max(o.approvals, o.ownerApproval ? 1 : 0, o.approverGroups.length)
}
