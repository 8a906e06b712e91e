import type { FindingKind, FindingState } from '../../domain/finding.js'
import type { PostUseVerdict } from '../../domain/break-glass.js'
import type { Kysely, Transaction } from 'kysely'
import type { RequestState, RevocationCondition } from '../../domain/access-request.js'
import type { AuditEventType } from '../../domain/audit-event.js'
import type { RiskTier } from '../../domain/catalog.js'
import type { GrantState, RevokeReason, VerificationResult } from '../../domain/grant.js'
import type { IdentityKind, IdentityStatus } from '../../domain/identity.js'
import type { Verdict } from '../../domain/review.js'
import type { NotificationChannel, OutboxState } from '../../domain/outbox.js'

/*
 * Row shapes as both engines return them. Units: every `*_at`, `starts_at`, `expires_at`,
 * `review_deadline` and `lease_until` is epoch milliseconds (bigint on PostgreSQL, parsed to a
 * number). Columns typed `string` but named after a collection hold JSON text.
 */

export interface IdentityRow {
  id: string
  kind: IdentityKind
  display_name: string
  email: string | null
  status: IdentityStatus
  /** JSON string[]; identity_groups indexes it for membership queries. */
  groups: string
  owner_id: string | null
  purpose: string | null
  oidc_issuer: string | null
  oidc_subject: string | null
  created_at: number
  updated_at: number
  version: number
}

export interface IdentityGroupRow {
  identity_id: string
  group_name: string
}

export interface TargetRow {
  id: string
  kind: string
  name: string
  /** JSON object. */
  config: string
  /** JSON object: reconciliation settings. */
  reconcile: string
  created_at: number
  updated_at: number
}

export interface FindingRow {
  id: string
  target_id: string
  kind: FindingKind
  key: string
  principal: string
  grant_id: string | null
  /** JSON object. */
  details: string
  state: FindingState
  first_seen_at: number
  last_seen_at: number
  resolved_at: number | null
  resolution: string | null
  accepted_by: string | null
  accept_reason: string | null
  accepted_until: number | null
  version: number
}

export interface EntitlementRow {
  id: string
  name: string
  description: string
  target_id: string
  risk_tier: RiskTier
  /** JSON string[]. */
  owners: string
  default_duration_seconds: number
  max_duration_seconds: number
  /** JSON object. */
  params: string
  /** JSON string[]. */
  subject_kinds: string
  created_at: number
  updated_at: number
}

export interface RequestRow {
  id: string
  requester_id: string
  subject_id: string
  entitlement_id: string
  justification: string
  ticket_ref: string | null
  duration_seconds: number
  revocation_condition: RevocationCondition
  submitted_at: number
  state: RequestState
  digest: string
  /** JSON Obligations. */
  obligations: string
  /** JSON string[], in submission order; request_reviewers indexes it. */
  eligible_reviewers: string
  policy_hash: string
  review_deadline: number
  decided_at: number | null
  decision_reason: string | null
  version: number
  /** 0 or 1. */
  break_glass: number
  incident_ref: string | null
  extends_grant_id: string | null
}

export interface RequestReviewerRow {
  request_id: string
  reviewer_id: string
}

export interface ReviewRow {
  id: string
  request_id: string
  reviewer_id: string
  verdict: Verdict
  comment: string
  request_digest: string
  /** 0 or 1: one representation on both engines. */
  reviewer_is_owner: number
  /** JSON string[]. */
  reviewer_groups: string
  policy_hash: string
  created_at: number
}

export interface GrantRow {
  id: string
  request_id: string
  subject_id: string
  entitlement_id: string
  target_id: string
  connector_kind: string
  /** 0 or 1. */
  break_glass: number
  state: GrantState
  target_name: string
  starts_at: number
  expires_at: number
  /** JSON object or null. */
  handle: string | null
  credential_ciphertext: string | null
  credential_retrieved_at: number | null
  issued_at: number | null
  issue_attempts: number
  revoke_attempts: number
  next_attempt_at: number | null
  last_error: string | null
  revoke_reason: RevokeReason | null
  revoke_due_at: number | null
  revoked_at: number | null
  revocation_lag_ms: number | null
  verification: VerificationResult | null
  lease_owner: string | null
  lease_until: number | null
  created_at: number
  version: number
  /** `shareBucketOf(id)`: which lifecycle node's share the grant is in (migration 0014). */
  share_bucket: number
}

export interface ApiTokenRow {
  id: string
  identity_id: string
  name: string
  token_hash: string
  created_at: number
  expires_at: number | null
  revoked_at: number | null
}

export interface AuditEventRow {
  seq: number
  id: string
  at: number
  type: AuditEventType
  actor: string
  request_id: string | null
  grant_id: string | null
  /** Canonical JSON of the event data, exactly what the hash covered. */
  data: string
  prev_hash: string
  hash: string
}

export interface AuditHeadRow {
  /** Always 1: the table holds exactly one row. */
  id: number
  seq: number
  hash: string
}

export interface AuditCheckpointRow {
  seq: number
  hash: string
  at: number
  key_id: string
  signature: string
}

export interface ConnectorStateRow {
  target_id: string
  key: string
  value: string
  /** Epoch seconds (not milliseconds) from which the entry no longer matters; null: kept for good. */
  exp: number | null
}

export interface BreakGlassReviewRow {
  request_id: string
  grant_id: string
  user_id: string
  entitlement_id: string
  incident_ref: string
  used_at: number
  due_at: number
  escalated_at: number | null
  reviewer_id: string | null
  verdict: PostUseVerdict | null
  comment: string | null
  reviewed_at: number | null
  version: number
}

export interface ExceptionRow {
  id: string
  identity_id: string | null
  entitlement_id: string | null
  policy_id: string | null
  reason: string
  approver_id: string
  created_at: number
  expires_at: number
  renewed_from: string | null
  renewals: number
  uses: number
  revoked_at: number | null
  revoked_by: string | null
  end_reason: string | null
  version: number
}

export interface ExceptionUseRow {
  id: string
  exception_id: string
  request_id: string
  grant_id: string | null
  action: string
  at: number
}

export interface ScimUserRow {
  identity_id: string
  user_name: string
  /** Case-folded userName: unique, so two spellings of one name cannot be two people. */
  user_name_key: string
  external_id: string | null
  /** JSON object: SCIM attributes kept for round trips. */
  attributes: string
  created_at: number
  updated_at: number
}

export interface ScimGroupRow {
  id: string
  group_name: string
  display_name: string
  external_id: string | null
  created_at: number
  updated_at: number
  version: number
}

export interface SeenNonceRow {
  scope: string
  value: string
  expires_at: number
}

export interface WorkloadExchangeRow {
  grant_id: string
  request_id: string
  workload_id: string
  issuer: string
  subject: string
  token_id: string
  /** JSON Record<string, string>. */
  claims: string
  completion_token_hash: string
  created_at: number
}

export interface OutboxRow {
  id: string
  kind: string
  channel: NotificationChannel
  recipient: string
  /** JSON object: the rendered message. */
  payload: string
  state: OutboxState
  created_at: number
  attempts: number
  next_attempt_at: number | null
  delivered_at: number | null
  last_error: string | null
  dedupe_key: string
  version: number
}

export interface SiemCursorRow {
  sink: string
  acked_seq: number
  lease_owner: string | null
  lease_until: number | null
  failures: number
  next_attempt_at: number | null
  last_error: string | null
  last_error_at: number | null
  last_success_at: number | null
  version: number
}

export interface LifecycleNodeRow {
  worker_id: string
  heartbeat_at: number
}

export interface Database {
  identities: IdentityRow
  identity_groups: IdentityGroupRow
  targets: TargetRow
  findings: FindingRow
  entitlements: EntitlementRow
  requests: RequestRow
  request_reviewers: RequestReviewerRow
  reviews: ReviewRow
  grants: GrantRow
  api_tokens: ApiTokenRow
  audit_events: AuditEventRow
  audit_head: AuditHeadRow
  audit_checkpoints: AuditCheckpointRow
  connector_state: ConnectorStateRow
  breakglass_reviews: BreakGlassReviewRow
  exceptions: ExceptionRow
  exception_uses: ExceptionUseRow
  scim_users: ScimUserRow
  scim_groups: ScimGroupRow
  seen_nonces: SeenNonceRow
  workload_exchanges: WorkloadExchangeRow
  outbox: OutboxRow
  siem_cursors: SiemCursorRow
  lifecycle_nodes: LifecycleNodeRow
}

export type Engine = 'sqlite' | 'postgres'

/** The root handle or an open transaction: repositories run on either. */
export type Executor = Kysely<Database> | Transaction<Database>
