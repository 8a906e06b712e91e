import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical-json.js'
import type { Obligations } from './obligations.js'

export const REQUEST_STATES = ['pending', 'approved', 'denied', 'cancelled', 'lapsed'] as const
export type RequestState = (typeof REQUEST_STATES)[number]

export const REVOCATION_CONDITIONS = ['expiry', 'task_completion', 'ticket_closed'] as const
export type RevocationCondition = (typeof REVOCATION_CONDITIONS)[number]

/** The fields a reviewer approves. They never change after submission; reviews bind to their digest. */
export interface RequestFields {
  id: string
  requesterId: string
  subjectId: string
  entitlementId: string
  justification: string
  ticketRef: string | null
  durationSeconds: number
  revocationCondition: RevocationCondition
  submittedAt: Date
  /** Emergency access taken without review under the `breakglass` action; reviewed after use. */
  breakGlass: boolean
  /** The incident a break-glass use names (also its ticket reference); null otherwise. */
  incidentRef: string | null
  /** The grant this request would extend: a new request, reviewed under the same rules (T05). */
  extendsGrantId: string | null
}

export interface AccessRequest extends RequestFields {
  state: RequestState
  /** sha256 over the canonical JSON of RequestFields. */
  digest: string
  /** Obligations from the request-time decision, fixed at submission. */
  obligations: Obligations
  /** Reviewers named in advance: snapshot of who may review, taken at submission. */
  eligibleReviewers: string[]
  policyHash: string
  reviewDeadline: Date
  decidedAt: Date | null
  decisionReason: string | null
  version: number
}

export function requestDigest(fields: RequestFields): string {
  const canonical = canonicalJson({
    id: fields.id,
    requesterId: fields.requesterId,
    subjectId: fields.subjectId,
    entitlementId: fields.entitlementId,
    justification: fields.justification,
    ticketRef: fields.ticketRef,
    durationSeconds: fields.durationSeconds,
    revocationCondition: fields.revocationCondition,
    submittedAt: fields.submittedAt,
    // Only when set, so the digests of ordinary requests are what they always were.
    ...(fields.breakGlass ? { breakGlass: true, incidentRef: fields.incidentRef } : {}),
    ...(fields.extendsGrantId !== null ? { extendsGrantId: fields.extendsGrantId } : {}),
  })
  return createHash('sha256').update(canonical).digest('hex')
}

export function isTerminalRequestState(state: RequestState): boolean {
  return state !== 'pending'
}

const ALLOWED: Record<RequestState, readonly RequestState[]> = {
  pending: ['approved', 'denied', 'cancelled', 'lapsed'],
  approved: [],
  denied: [],
  cancelled: [],
  lapsed: [],
}

/** Terminal states never change; only `pending` moves, and only to a terminal state. */
export function canTransitionRequest(from: RequestState, to: RequestState): boolean {
  return ALLOWED[from].includes(to)
}
