/**
 * The shape of the governance report (issue 6): outcomes, not activity counts. The HTTP route,
 * the CLI (`hourglass report`), the HTML report and the web dashboard all read this one type.
 * Durations are milliseconds; shares are fractions in [0, 1] or null when the denominator is 0.
 */

/** Percentiles of a set of durations; every field null when `count` is 0. */
export interface DurationStats {
  count: number
  p50Ms: number | null
  p95Ms: number | null
  p99Ms: number | null
  maxMs: number | null
}

/** A histogram bucket: how many values were ≤ `leMs` and above the previous bucket (`leMs` null = +Inf). */
export interface HistogramBucket {
  leMs: number | null
  count: number
}

export interface RevocationLagSection {
  lag: DurationStats
  /** Fixed buckets (10 ms … 5 min, +Inf) so periods compare. */
  histogram: HistogramBucket[]
  /** Due (expired or ended) but not revoked at the end of the period. */
  overdue: number
  irrevocable: number
  /** Revocations whose first verification still found access live, and how long it stayed live. */
  residual: { count: number; window: DurationStats }
}

export interface RequestsSection {
  submitted: number
  approved: number
  denied: number
  /** Denials by reason: `policy`, `reviewer`, `expired` (no review in time), `cancelled`. */
  deniedByReason: Record<string, number>
  granted: number
  requestedSeconds: DurationStats
  grantedSeconds: DurationStats
  /** Grants that ended by `completed` before their expiry. */
  completedEarly: number
  /** Grants that expired without the credential ever being retrieved. */
  expiredUnused: number
}

export interface ReviewersSection {
  approvals: number
  /** Approvals given by an owner of the entitlement (or of the NHI subject). */
  ownerApprovals: number
  ownershipMatch: number | null
  approvalLatency: DurationStats
  /** Reviews the server refused: self-review, not a named reviewer, NHI reviewer, … */
  blockedAttempts: number
  blockedByRule: Record<string, number>
}

export interface BreakGlassSection {
  uses: number
  reviewed: number
  reviewedInTime: number
  reviewedInTimeShare: number | null
  overdue: number
}

export interface ExceptionsSection {
  active: number
  /** Grants that were allowed only because of an exception. */
  used: number
  ratePer100Grants: number | null
  driftFlagged: number
}

export interface CoverageSection {
  /** Entitlements seen on targets by the last reconciliation of each target. */
  observed: number
  backedByGrant: number
  share: number | null
  shadow: number
  orphanedNhis: number
  /** Access found on targets with no end (no expiry), i.e. standing access. */
  standing: number
}

/** The sections computed over one slice (all, one target, one entitlement or one risk tier). */
export interface ReportSlice {
  revocation: RevocationLagSection
  requests: RequestsSection
  reviewers: ReviewersSection
  timeToAccess: DurationStats
}

export interface GovernanceReport {
  period: { from: string; to: string }
  generatedAt: string
  overall: ReportSlice
  /** Keyed by target id, entitlement id and risk tier. */
  byTarget: Record<string, ReportSlice>
  byEntitlement: Record<string, ReportSlice>
  byRiskTier: Record<string, ReportSlice>
  /** Time to access by risk tier is also in byRiskTier[tier].timeToAccess. */
  breakGlass: BreakGlassSection
  exceptions: ExceptionsSection
  coverage: CoverageSection
}
