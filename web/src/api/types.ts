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
import type { ErrorBody } from '../../../src/http/error-response.js'

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
