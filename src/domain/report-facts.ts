import type { GrantState, RevokeReason, VerificationResult } from './grant.js'

/**
 * What the governance report is computed from: compact facts the store reads for one period
 * (definitions in docs/reports.md). Instants are Dates; the period is [from, to).
 */
export interface ReportFacts {
  period: { from: Date; to: Date }
  generatedAt: Date
  /** The catalog, to slice by target and risk tier. */
  entitlements: EntitlementFact[]
  /** Requests submitted in the period (break-glass included). */
  requests: RequestFact[]
  /** Approvals and denials recorded in the period (audit events). */
  decisions: DecisionFact[]
  /** Grants issued, revoked or expiring in the period, and those still due and not revoked at `to`. */
  grants: GrantFact[]
  /** Approving reviews recorded in the period. */
  approvals: ApprovalFact[]
  /** Reviews the server refused in the period (`review.rejected`). */
  rejections: RejectionFact[]
  /** Grants revoked in the period whose revocation first found the access still live. */
  residuals: ResidualFact[]
  breakGlass: { usedInPeriod: BreakGlassFact[]; overdueAtEnd: number }
  exceptions: { activeAtEnd: number; used: number }
  /** The latest reconciliation of each target at or before `to`. */
  reconciliations: ReconciliationFact[]
  /** Findings open at `to`. */
  openFindings: FindingFact[]
}

export interface EntitlementFact {
  id: string
  targetId: string
  riskTier: string
}

export interface RequestFact {
  entitlementId: string
  durationSeconds: number
}

export const DECISION_KINDS = ['approved', 'policy', 'reviewer', 'expired', 'cancelled'] as const
export type DecisionKind = (typeof DECISION_KINDS)[number]

export interface DecisionFact {
  kind: DecisionKind
  /** Null when the request is unknown (its row predates the event's reader). */
  entitlementId: string | null
}

export interface GrantFact {
  entitlementId: string
  targetId: string
  state: GrantState
  /** When the grant's request was submitted. */
  submittedAt: Date
  startsAt: Date
  expiresAt: Date
  issuedAt: Date | null
  revokeDueAt: Date | null
  revokedAt: Date | null
  revocationLagMs: number | null
  revokeReason: RevokeReason | null
  verification: VerificationResult | null
  /** The credential was retrieved (grant field or `grant.credential_retrieved` event). */
  used: boolean
}

export interface ApprovalFact {
  entitlementId: string
  /** The reviewer owned the entitlement when reviewing (stored with the review). */
  reviewerIsOwner: boolean
  /** The request's subject is a non-human identity owned by the reviewer. */
  reviewerOwnsSubject: boolean
  /** Review time − request submission. */
  latencyMs: number
}

export interface RejectionFact {
  entitlementId: string | null
  /** The error code the refusal carried, e.g. `review.self_review_forbidden`. */
  rule: string
}

export interface ResidualFact {
  entitlementId: string
  targetId: string
  /** From the first verification that found access live to the revocation. */
  windowMs: number
}

export interface BreakGlassFact {
  usedAt: Date
  dueAt: Date
  reviewedAt: Date | null
}

export interface ReconciliationFact {
  targetId: string
  observed: number
  /** Null for reconciliations recorded before the count was kept (see docs/reports.md). */
  backedByGrant: number | null
}

export interface FindingFact {
  kind: string
  targetId: string
  /** The access found carries an end of its own (`details.expiresAt`). */
  hasExpiry: boolean
}
