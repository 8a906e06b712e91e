import { computeGovernanceReport } from '../../src/domain/compute-governance-report.js'
import type { GovernanceReport } from '../../src/domain/governance-report.js'

/** Strings that would break out of HTML or a script element if anything printed them raw. */
export const HOSTILE = {
  entitlement: '</script><script>alert("entitlement")</script>',
  target: '<img src=x onerror=alert("target")>',
  rule: `"'&<!--<b>rule`,
} as const

/** A report whose keys and rule names carry hostile strings, with some numbers in every section. */
export function hostileReport(): GovernanceReport {
  const from = new Date('2026-10-01T00:00:00Z')
  const to = new Date('2026-10-31T00:00:00Z')
  const at = (ms: number) => new Date(from.getTime() + ms)
  return computeGovernanceReport({
    period: { from, to },
    generatedAt: to,
    entitlements: [{ id: HOSTILE.entitlement, targetId: HOSTILE.target, riskTier: 'high' }],
    requests: [{ entitlementId: HOSTILE.entitlement, durationSeconds: 1800 }],
    decisions: [{ kind: 'policy', entitlementId: HOSTILE.entitlement }],
    grants: [40, 400, 4000].map((lag) => ({
      entitlementId: HOSTILE.entitlement,
      targetId: HOSTILE.target,
      state: 'revoked' as const,
      submittedAt: at(0),
      startsAt: at(2000),
      expiresAt: at(1_802_000),
      issuedAt: at(2000),
      revokeDueAt: at(1_802_000),
      revokedAt: at(1_802_000 + lag),
      revocationLagMs: lag,
      revokeReason: 'expired' as const,
      verification: 'gone' as const,
      used: true,
    })),
    approvals: [
      {
        entitlementId: HOSTILE.entitlement,
        reviewerIsOwner: true,
        reviewerOwnsSubject: false,
        latencyMs: 90_000,
      },
    ],
    rejections: [{ entitlementId: HOSTILE.entitlement, rule: HOSTILE.rule }],
    residuals: [],
    breakGlass: {
      usedInPeriod: [{ usedAt: at(0), dueAt: at(1000), reviewedAt: at(500) }],
      overdueAtEnd: 0,
    },
    exceptions: { activeAtEnd: 1, used: 1 },
    reconciliations: [{ targetId: HOSTILE.target, observed: 4, backedByGrant: 3 }],
    openFindings: [{ kind: 'shadow', targetId: HOSTILE.target, hasExpiry: false }],
  })
}

/** The JSON embedded in the report's data element, parsed back. */
export function embeddedReport(html: string): unknown {
  const match = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)
  if (!match?.[1]) throw new Error('no embedded report data')
  return JSON.parse(match[1])
}
