export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const
export type RiskTier = (typeof RISK_TIERS)[number]

/** A configured system a connector issues on: a connector kind plus its configuration. */
export interface Target {
  id: string
  kind: string
  name: string
  /** Connector configuration; secret fields are encrypted at rest by the store layer's caller. */
  config: Record<string, unknown>
  /** Reconciliation settings: authoritative mode removes access no grant backs. */
  reconcile: { authoritative: boolean }
  createdAt: Date
  updatedAt: Date
}

/** A catalog entitlement: the only thing a request can ask for (never free text). */
export interface Entitlement {
  id: string
  name: string
  description: string
  targetId: string
  riskTier: RiskTier
  /** Identity ids of the entitlement's owners (eligible reviewers for owner approval). */
  owners: string[]
  defaultDurationSeconds: number
  maxDurationSeconds: number
  /** Connector parameters: what the grant gets on the target (scopes, role, principals). */
  params: Record<string, unknown>
  /** Identity kinds that may be the subject of a grant of this entitlement. */
  subjectKinds: string[]
  createdAt: Date
  updatedAt: Date
}

export const CATALOG_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/
