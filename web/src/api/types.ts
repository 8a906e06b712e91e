import type {
  EntitlementJson,
  GrantJson,
  IdentityJson,
  Items,
  Jsonify,
  RequestJson,
  ReviewJson,
} from '../../../src/cli/api-types.js'
import type { AuditCheckpoint, AuditEvent } from '../../../src/domain/audit-event.js'
import type { Tally } from '../../../src/domain/review.js'
import type { EvidenceBundle } from '../../../src/domain/evidence.js'
import type { RequestPreview } from '../../../src/app/preview-request.js'
import type { ErrorBody } from '../../../src/http/error-response.js'
import type { Finding } from '../../../src/domain/finding.js'
import type {
  exceptionView,
  nhiView,
  postUseReviewView,
} from '../../../src/http/governance-views.js'

// Types only: the server's view functions define the shapes, so the UI cannot drift from them.
export type { EntitlementJson, GrantJson, IdentityJson, Items, RequestJson, ReviewJson }

export type Me = IdentityJson & { owns: IdentityJson[] }

export type RequestDetail = RequestJson & { reviews: ReviewJson[]; grant: GrantJson | null }

export interface SubmitResult {
  request: RequestJson
  grant: GrantJson | null
}

export interface ReviewResult {
  review: ReviewJson
  request: RequestJson
  outcome: Tally['outcome']
  grant: GrantJson | null
}

export interface CredentialJson {
  grantId: string
  credential: string
  instructions: string | null
  expiresAt: string
}

export type AuditEventJson = Jsonify<AuditEvent>
export type AuditCheckpointJson = Jsonify<AuditCheckpoint>

export interface AuditPage {
  items: AuditEventJson[]
  head: { seq: number; hash: string }
}

export type ErrorJson = ErrorBody['error']

export type RevocationCondition = RequestJson['revocationCondition']
export type Verdict = ReviewJson['verdict']

export type PostUseReviewJson = Jsonify<ReturnType<typeof postUseReviewView>>
export type PostUseReviewState = PostUseReviewJson['state']
export type PostUseVerdict = NonNullable<PostUseReviewJson['verdict']>
export type ExceptionJson = Jsonify<ReturnType<typeof exceptionView>>
export type NhiJson = Jsonify<ReturnType<typeof nhiView>>
export type FindingJson = Jsonify<Finding>

export interface BreakGlassResult {
  request: RequestJson
  grant: GrantJson
  review: PostUseReviewJson
  /** Who the server alerted at once: the entitlement's owners and the security group. */
  notified: string[]
}

export interface PostUseReviewResult {
  review: PostUseReviewJson
  /** Grants the server revoked because the use was found unjustified. */
  revoked: string[]
}

export type { GovernanceReport } from '../../../src/domain/governance-report.js'

/** An evidence bundle (`GET /v1/requests/{id}/evidence`) as it arrives: dates become strings. */
export type EvidenceBundleJson = Jsonify<EvidenceBundle>

/** The server's dry-run decision for a request that has not been submitted. */
export type RequestPreviewJson = Jsonify<RequestPreview>
