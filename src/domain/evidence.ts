import { createHash, createPublicKey } from 'node:crypto'
import { canonicalJson } from './canonical-json.js'
import type { AuditCheckpoint, AuditEvent, AuditEventType } from './audit-event.js'

export const EVIDENCE_FORMAT = 'hourglass-evidence/1'

/** What an audit event is, in the auditor's words. The verifier recomputes it from the event. */
export type EvidenceKind =
  | 'request'
  | 'policy_denial'
  | 'review'
  | 'review_rejected'
  | 'approval'
  | 'denial'
  | 'cancellation'
  | 'lapse'
  | 'grant_scheduled'
  | 'issuance_attempt'
  | 'issuance_failure'
  | 'issuance'
  | 'issuance_denial'
  | 'credential_retrieval'
  | 'revocation_request'
  | 'revocation_attempt'
  | 'revocation_failure'
  | 'irrevocable'
  | 'revocation'
  | 'other'

const KINDS: Partial<Record<AuditEventType, EvidenceKind>> = {
  'request.submitted': 'request',
  'request.denied_by_policy': 'policy_denial',
  'review.recorded': 'review',
  'review.rejected': 'review_rejected',
  'request.approved': 'approval',
  'request.denied': 'denial',
  'request.cancelled': 'cancellation',
  'request.lapsed': 'lapse',
  'grant.scheduled': 'grant_scheduled',
  'grant.issuing': 'issuance_attempt',
  'grant.issue_failed': 'issuance_failure',
  'grant.activated': 'issuance',
  'grant.activation_denied': 'issuance_denial',
  'grant.credential_retrieved': 'credential_retrieval',
  'grant.revocation_requested': 'revocation_request',
  'grant.revoking': 'revocation_attempt',
  'grant.revoke_failed': 'revocation_failure',
  'grant.irrevocable': 'irrevocable',
  'grant.revoked': 'revocation',
}

export function evidenceKindOf(type: AuditEventType): EvidenceKind {
  return KINDS[type] ?? 'other'
}

/** One audit event of the request, whole, so its hash recomputes offline. */
export interface EvidenceItem {
  kind: EvidenceKind
  seq: number
  hash: string
  event: AuditEvent
}

/** A policy decision as recorded at one stage, lifted out of its item for reading. */
export interface EvidenceDecision {
  stage: 'request' | 'review' | 'issuance'
  seq: number
  hash: string
  allowed: boolean | null
  policyHash: string | null
  determiningPolicies: unknown
  obligations: unknown
  reasons: unknown
}

export interface EvidenceReview {
  seq: number
  hash: string
  reviewerId: string
  verdict: string | null
  comment: string | null
  reviewerIsOwner: boolean | null
}

/**
 * The server's signed statement that these (seq, hash) pairs are events of the chain whose head
 * at `checkpoint.seq` is `checkpoint.hash`, made after it re-verified every link in between.
 * Needed because an event's prevHash is inside its hashed body: a gap of foreign events cannot
 * be bridged from their hashes alone, and their contents belong to other requests.
 */
export interface EvidenceInclusion {
  requestId: string
  items: Array<{ seq: number; kind: EvidenceKind; hash: string; prevHash: string }>
  checkpoint: { seq: number; hash: string }
  /** Events of the chain between the first item and the checkpoint that are not items. */
  foreignEvents: number
  at: Date
  keyId: string
  /** base64url Ed25519 signature over inclusionPayload(), with the checkpoint key. */
  signature: string
}

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT
  generatedAt: Date
  requestId: string
  /** The request as stored now: context for the reader, not itself evidence (items are). */
  request: Record<string, unknown>
  items: EvidenceItem[]
  /** Derived from the items; the verifier re-derives and compares them. */
  decisions: EvidenceDecision[]
  reviews: EvidenceReview[]
  checkpoint: AuditCheckpoint | null
  inclusion: EvidenceInclusion | null
  /** 'not_yet_checkpointed' when no signed checkpoint covers the last item yet. */
  status: 'checkpointed' | 'not_yet_checkpointed'
  publicKey: { pem: string; fingerprint: string; keyId: string }
}

export function inclusionPayload(i: Omit<EvidenceInclusion, 'signature'>): string {
  return canonicalJson({
    format: EVIDENCE_FORMAT,
    requestId: i.requestId,
    items: i.items.map((x) => ({ seq: x.seq, kind: x.kind, hash: x.hash, prevHash: x.prevHash })),
    checkpoint: { seq: i.checkpoint.seq, hash: i.checkpoint.hash },
    foreignEvents: i.foreignEvents,
    at: i.at,
    keyId: i.keyId,
  })
}

const DECISION_STAGES: Partial<Record<EvidenceKind, EvidenceDecision['stage']>> = {
  request: 'request',
  policy_denial: 'request',
  review: 'review',
  issuance: 'issuance',
  issuance_denial: 'issuance',
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

export function deriveDecisions(items: readonly EvidenceItem[]): EvidenceDecision[] {
  const out: EvidenceDecision[] = []
  for (const item of items) {
    const stage = DECISION_STAGES[evidenceKindOf(item.event.type)]
    const d = asRecord(item.event.data.decision)
    if (!stage || !d) continue
    out.push({
      stage,
      seq: item.event.seq,
      hash: item.event.hash,
      allowed: typeof d.allowed === 'boolean' ? d.allowed : null,
      policyHash: typeof d.policyHash === 'string' ? d.policyHash : null,
      determiningPolicies: d.determiningPolicies ?? null,
      obligations: d.obligations ?? null,
      reasons: d.reasons ?? null,
    })
  }
  return out
}

export function deriveReviews(items: readonly EvidenceItem[]): EvidenceReview[] {
  return items
    .filter((i) => i.event.type === 'review.recorded')
    .map((i) => {
      const d = i.event.data
      return {
        seq: i.event.seq,
        hash: i.event.hash,
        reviewerId: i.event.actor,
        verdict: typeof d.verdict === 'string' ? d.verdict : null,
        comment: typeof d.comment === 'string' ? d.comment : null,
        reviewerIsOwner: typeof d.reviewerIsOwner === 'boolean' ? d.reviewerIsOwner : null,
      }
    })
}

/** sha256 over the key's SPKI DER, hex: what an auditor compares against a key they trust. */
export function publicKeyFingerprint(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('hex')
}
