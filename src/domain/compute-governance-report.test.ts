import { describe, expect, it } from 'vitest'
import { computeGovernanceReport } from './compute-governance-report.js'
import { durationStats, lagHistogram, nearestRank, share } from './duration-stats.js'
import type { GrantFact, ReportFacts } from './report-facts.js'
import { resolveReportPeriod } from './report-period.js'

const FROM = new Date('2026-10-01T00:00:00Z')
const TO = new Date('2026-10-31T00:00:00Z')
const at = (ms: number) => new Date(FROM.getTime() + ms)
const HOUR = 3_600_000

function facts(overrides: Partial<ReportFacts> = {}): ReportFacts {
  return {
    period: { from: FROM, to: TO },
    generatedAt: TO,
    entitlements: [
      { id: 'orders-write', targetId: 'orders-api', riskTier: 'medium' },
      { id: 'payments-refund', targetId: 'payments-api', riskTier: 'high' },
    ],
    requests: [],
    decisions: [],
    grants: [],
    approvals: [],
    rejections: [],
    residuals: [],
    breakGlass: { usedInPeriod: [], overdueAtEnd: 0 },
    exceptions: { activeAtEnd: 0, used: 0 },
    reconciliations: [],
    openFindings: [],
    ...overrides,
  }
}

function grant(overrides: Partial<GrantFact> = {}): GrantFact {
  return {
    entitlementId: 'orders-write',
    targetId: 'orders-api',
    state: 'revoked',
    submittedAt: at(0),
    startsAt: at(1000),
    expiresAt: at(HOUR + 1000),
    issuedAt: at(1000),
    revokeDueAt: at(HOUR + 1000),
    revokedAt: at(HOUR + 1000),
    revocationLagMs: 0,
    revokeReason: 'expired',
    verification: 'gone',
    used: true,
    ...overrides,
  }
}

describe('duration statistics', () => {
  it('nearest-rank percentiles of 1..100 are the ranks themselves', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(durationStats(values)).toEqual({
      count: 100,
      p50Ms: 50,
      p95Ms: 95,
      p99Ms: 99,
      maxMs: 100,
    })
  })

  it('of ten values: p50 is the 5th, p95 and p99 the 10th', () => {
    const lags = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]
    expect(durationStats(lags)).toEqual({
      count: 10,
      p50Ms: 50,
      p95Ms: 1000,
      p99Ms: 1000,
      maxMs: 1000,
    })
  })

  it('an empty set gives nulls, a single value is every percentile', () => {
    expect(durationStats([])).toEqual({
      count: 0,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      maxMs: null,
    })
    expect(durationStats([7])).toEqual({ count: 1, p50Ms: 7, p95Ms: 7, p99Ms: 7, maxMs: 7 })
    expect(nearestRank([], 50)).toBeNull()
  })

  it('histogram buckets are inclusive upper bounds with an overflow bucket', () => {
    const h = lagHistogram([0, 10, 11, 50, 300_000, 300_001])
    expect(h[0]).toEqual({ leMs: 10, count: 2 })
    expect(h[1]).toEqual({ leMs: 50, count: 2 })
    expect(h.find((b) => b.leMs === 300_000)?.count).toBe(1)
    expect(h[h.length - 1]).toEqual({ leMs: null, count: 1 })
    expect(h.reduce((a, b) => a + b.count, 0)).toBe(6)
  })

  it('shares are null without a denominator', () => {
    expect(share(3, 4)).toBe(0.75)
    expect(share(0, 0)).toBeNull()
  })
})

describe('computeGovernanceReport', () => {
  it('an empty period reports zeros and nulls, never NaN', () => {
    const r = computeGovernanceReport(facts())
    expect(r.overall.revocation.lag.p50Ms).toBeNull()
    expect(r.overall.reviewers.ownershipMatch).toBeNull()
    expect(r.breakGlass.reviewedInTimeShare).toBeNull()
    expect(r.exceptions.ratePer100Grants).toBeNull()
    expect(r.coverage.share).toBeNull()
    expect(r.byTarget).toEqual({})
    expect(JSON.stringify(r)).not.toContain('NaN')
    expect(r.period).toEqual({ from: FROM.toISOString(), to: TO.toISOString() })
  })

  it('revocation lag counts only revocations inside the period, and not never-issued grants', () => {
    const lags = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]
    const grants = [
      ...lags.map((l) => grant({ revocationLagMs: l })),
      grant({ revocationLagMs: 99_999, revokedAt: at(-1) }),
      grant({ revocationLagMs: 0, verification: 'not_issued', issuedAt: null }),
    ]
    const r = computeGovernanceReport(facts({ grants }))
    expect(r.overall.revocation.lag).toEqual({
      count: 10,
      p50Ms: 50,
      p95Ms: 1000,
      p99Ms: 1000,
      maxMs: 1000,
    })
    expect(r.byTarget['orders-api']?.revocation.lag.count).toBe(10)
    expect(r.byRiskTier.medium?.revocation.lag.maxMs).toBe(1000)
  })

  it('overdue: due and unrevoked at the end, issued; irrevocable counted apart', () => {
    const due = { expiresAt: at(HOUR), revokeDueAt: null, revokedAt: null, revocationLagMs: null }
    const r = computeGovernanceReport(
      facts({
        grants: [
          grant({ ...due, state: 'active' }),
          grant({ ...due, state: 'revoke_failed' }),
          grant({ ...due, state: 'irrevocable' }),
          grant({ ...due, state: 'revoked', revokedAt: new Date(TO.getTime() + 5) }),
          grant({ ...due, state: 'scheduled', issuedAt: null }),
          grant({
            state: 'active',
            expiresAt: new Date(TO.getTime() + HOUR),
            revokeDueAt: null,
            revokedAt: null,
          }),
        ],
      }),
    )
    expect(r.overall.revocation.overdue).toBe(3)
    expect(r.overall.revocation.irrevocable).toBe(1)
  })

  it('requested vs granted vs used, and denials by reason', () => {
    const r = computeGovernanceReport(
      facts({
        requests: [
          { entitlementId: 'orders-write', durationSeconds: 3600 },
          { entitlementId: 'payments-refund', durationSeconds: 1800 },
        ],
        decisions: [
          { kind: 'approved', entitlementId: 'orders-write' },
          { kind: 'policy', entitlementId: 'payments-refund' },
          { kind: 'reviewer', entitlementId: 'payments-refund' },
          { kind: 'expired', entitlementId: 'orders-write' },
          { kind: 'cancelled', entitlementId: null },
        ],
        grants: [
          grant({ revokeReason: 'completed', revokeDueAt: at(HOUR / 2), revokedAt: at(HOUR / 2) }),
          grant({ used: false }),
          grant({ used: false, revokeReason: 'manual', revokeDueAt: at(10), revokedAt: at(10) }),
        ],
      }),
    )
    const q = r.overall.requests
    expect(q.submitted).toBe(2)
    expect(q.requestedSeconds).toMatchObject({ count: 2, p50Ms: 1_800_000, maxMs: 3_600_000 })
    expect(q.approved).toBe(1)
    expect(q.denied).toBe(4)
    expect(q.deniedByReason).toEqual({ policy: 1, reviewer: 1, expired: 1, cancelled: 1 })
    expect(q.granted).toBe(3)
    expect(q.grantedSeconds).toMatchObject({ count: 3, maxMs: HOUR })
    expect(q.completedEarly).toBe(1)
    expect(q.expiredUnused).toBe(1)
    expect(r.byEntitlement['payments-refund']?.requests.deniedByReason).toEqual({
      policy: 1,
      reviewer: 1,
      expired: 0,
      cancelled: 0,
    })
    expect(r.overall.timeToAccess).toMatchObject({ count: 3, p50Ms: 1000 })
  })

  it('reviewers: owner approvals (entitlement or NHI owner), latency, blocked attempts by rule', () => {
    const r = computeGovernanceReport(
      facts({
        approvals: [
          {
            entitlementId: 'orders-write',
            reviewerIsOwner: true,
            reviewerOwnsSubject: false,
            latencyMs: 100,
          },
          {
            entitlementId: 'orders-write',
            reviewerIsOwner: false,
            reviewerOwnsSubject: true,
            latencyMs: 200,
          },
          {
            entitlementId: 'payments-refund',
            reviewerIsOwner: true,
            reviewerOwnsSubject: false,
            latencyMs: 300,
          },
          {
            entitlementId: 'payments-refund',
            reviewerIsOwner: false,
            reviewerOwnsSubject: false,
            latencyMs: 400,
          },
        ],
        rejections: [
          { entitlementId: 'orders-write', rule: 'review.self_review_forbidden' },
          { entitlementId: 'orders-write', rule: 'review.self_review_forbidden' },
          { entitlementId: null, rule: 'review.not_eligible' },
        ],
      }),
    )
    expect(r.overall.reviewers).toMatchObject({
      approvals: 4,
      ownerApprovals: 3,
      ownershipMatch: 0.75,
      blockedAttempts: 3,
      blockedByRule: { 'review.self_review_forbidden': 2, 'review.not_eligible': 1 },
    })
    expect(r.overall.reviewers.approvalLatency).toMatchObject({ p50Ms: 200, maxMs: 400 })
    expect(r.byRiskTier.high?.reviewers.ownershipMatch).toBe(0.5)
  })

  it('break-glass, exceptions and coverage', () => {
    const r = computeGovernanceReport(
      facts({
        grants: [grant(), grant(), grant(), grant()],
        breakGlass: {
          usedInPeriod: [
            { usedAt: at(0), dueAt: at(HOUR), reviewedAt: at(HOUR / 2) },
            { usedAt: at(0), dueAt: at(HOUR), reviewedAt: at(2 * HOUR) },
            { usedAt: at(0), dueAt: at(HOUR), reviewedAt: null },
            { usedAt: at(0), dueAt: at(HOUR), reviewedAt: new Date(TO.getTime() + 1) },
          ],
          overdueAtEnd: 2,
        },
        exceptions: { activeAtEnd: 2, used: 1 },
        reconciliations: [
          { targetId: 'orders-api', observed: 10, backedByGrant: 7 },
          { targetId: 'payments-api', observed: 5, backedByGrant: null },
        ],
        openFindings: [
          { kind: 'shadow', targetId: 'payments-api', hasExpiry: false },
          { kind: 'shadow', targetId: 'orders-api', hasExpiry: true },
          { kind: 'lingering', targetId: 'payments-api', hasExpiry: false },
          { kind: 'orphaned_nhi', targetId: 'orders-api', hasExpiry: false },
          { kind: 'exception_drift', targetId: 'orders-api', hasExpiry: false },
        ],
      }),
    )
    expect(r.breakGlass).toEqual({
      uses: 4,
      reviewed: 2,
      reviewedInTime: 1,
      reviewedInTimeShare: 0.25,
      overdue: 2,
    })
    expect(r.exceptions).toEqual({ active: 2, used: 1, ratePer100Grants: 25, driftFlagged: 1 })
    // payments-api predates the recorded count: 5 observed − 1 shadow − 1 lingering = 3 backed.
    expect(r.coverage).toEqual({
      observed: 15,
      backedByGrant: 10,
      share: 10 / 15,
      shadow: 2,
      orphanedNhis: 1,
      standing: 1,
    })
  })

  it('an entitlement gone from the catalog still slices by the grant target, tier unknown', () => {
    const r = computeGovernanceReport(
      facts({ grants: [grant({ entitlementId: 'gone', targetId: 'old-api' })] }),
    )
    expect(Object.keys(r.byTarget)).toEqual(['old-api'])
    expect(Object.keys(r.byRiskTier)).toEqual(['unknown'])
  })
})

describe('resolveReportPeriod', () => {
  const now = new Date('2026-11-23T12:00:00Z')
  const code = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      return (e as { code?: string }).code
    }
    return 'no error'
  }

  it('defaults to the 30 days before now', () => {
    expect(resolveReportPeriod({}, now)).toEqual({
      from: new Date('2026-10-24T12:00:00Z'),
      to: now,
    })
    expect(
      resolveReportPeriod({ from: '2026-11-01', to: '2026-11-02T00:00:00+01:00' }, now),
    ).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-01T23:00:00Z'),
    })
  })

  it.each([
    [{ from: 'yesterday' }],
    [{ to: '2026-13-45' }],
    [{ to: '2026-02-30T00:00:00Z' }],
    [{ from: '1700000000' }],
    [{ from: '2026-11-02', to: '2026-11-01' }],
    [{ from: '2026-11-01', to: '2026-11-01' }],
    [{ from: '2025-01-01', to: '2026-11-01' }],
  ])('refuses %j with input.invalid', (input) => {
    expect(code(() => resolveReportPeriod(input, now))).toBe('input.invalid')
  })
})
