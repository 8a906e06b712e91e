import type { AccessRequest } from '../domain/access-request.js'
import type { Entitlement, Target } from '../domain/catalog.js'
import type { Identity } from '../domain/identity.js'
import type { Obligations } from '../domain/obligations.js'

export const POLICY_ACTIONS = ['request', 'review', 'activate', 'breakglass'] as const
export type PolicyAction = (typeof POLICY_ACTIONS)[number]

/**
 * Everything one decision may look at. The engine turns it into the few Cedar entities the
 * decision needs (principal, its groups, the entitlement, its owners, the request).
 */
export interface DecisionInput {
  action: PolicyAction
  principal: Identity
  entitlement: Entitlement
  target: Pick<Target, 'id' | 'kind'>
  /** The identity that would hold the access (principal itself, or an NHI it owns). */
  subject: Identity
  /** Present for `review` and `activate`: the request being reviewed or fulfilled. */
  request?: Pick<
    AccessRequest,
    'id' | 'requesterId' | 'subjectId' | 'durationSeconds' | 'ticketRef' | 'revocationCondition'
  >
  context: {
    durationSeconds: number
    hasTicket: boolean
    /** Seconds since the Unix epoch, so policies can reason about time windows. */
    now: number
    /**
     * Active exceptions that apply to this decision: their ids and scope tokens (`identity`,
     * `entitlement`, `identity+entitlement`, `policy:<id>`). Absent when none apply.
     */
    exceptions?: readonly string[]
  }
}

/** A decision is a value: a deny is not an exception. Evaluation errors deny (fail closed). */
export interface Decision {
  allowed: boolean
  policyHash: string
  /** Ids (`@id` annotations) of the policies that determined the decision. */
  determiningPolicies: string[]
  obligations: Obligations
  /** Human-readable reasons, e.g. the forbid policies that denied, or the evaluation errors. */
  reasons: string[]
  errored: boolean
}

/**
 * Port to the policy engine. Implementations pre-parse the policy bundle once per version.
 *
 * @example
 * const d = await engine.decide({ action: 'request', principal, entitlement, target, subject, context })
 * if (!d.allowed) throw new AppError('request.denied_by_policy', d.reasons.join('; '))
 */
export interface PolicyEngine {
  decide(input: DecisionInput): Promise<Decision>
  /** Content hash of the policy bundle in force. */
  policyHash(): string
  /** Re-read and strictly validate the bundle; on failure the old bundle stays in force. */
  reload(): Promise<{ policyHash: string; changed: boolean }>
  close(): Promise<void>
}
