import { ApiError, clientError } from './api-error'
import type {
  AuditCheckpointJson,
  AuditPage,
  BreakGlassResult,
  ExceptionJson,
  FindingJson,
  GovernanceReport,
  NhiJson,
  PostUseReviewJson,
  PostUseReviewResult,
  PostUseReviewState,
  PostUseVerdict,
  CredentialJson,
  EntitlementJson,
  EvidenceBundleJson,
  GrantJson,
  IdentityJson,
  Items,
  Me,
  RequestDetail,
  RequestJson,
  RequestPreviewJson,
  ReviewResult,
  RevocationCondition,
  SubmitResult,
  Verdict,
} from './types'

export interface SubmitRequestInput {
  entitlementId: string
  subjectId?: string
  justification: string
  ticketRef?: string
  /** Free text (`30m`, `2h`, `PT1H`): the server parses it and enforces the maximum. */
  duration?: string
  revocationCondition: RevocationCondition
}

export interface ReviewInput {
  verdict: Verdict
  comment: string
  /** Binds the verdict to the exact request fields the reviewer was shown. */
  digest: string
}

export interface AuditQuery {
  after?: number
  limit?: number
  requestId?: string
  grantId?: string
  actor?: string
  /** ISO instant, inclusive. */
  from?: string
  /** ISO instant, exclusive. */
  to?: string
}

export interface BreakGlassInput {
  entitlementId: string
  incidentRef: string
  reason: string
  /** Free text; the server clamps it to the break-glass cap rather than refusing. */
  duration?: string
}

export interface ExceptionInput {
  scope?: { identityId?: string; entitlementId?: string; policyId?: string }
  reason: string
  /** How long, e.g. `7d`; the server enforces the 90-day bound. */
  for: string
  renewedFrom?: string
}

type Query = Record<string, string | number | undefined>

/**
 * Typed fetch wrapper over /v1. Every failure becomes an ApiError carrying the server's code, so
 * pages show the server's reason instead of guessing one.
 */
export class ApiClient {
  readonly #token: string
  readonly #onUnauthenticated: (error: ApiError) => void

  constructor(token: string, onUnauthenticated: (error: ApiError) => void = () => undefined) {
    this.#token = token
    this.#onUnauthenticated = onUnauthenticated
  }

  me = () => this.#get<Me>('/v1/me')
  catalog = () => this.#get<Items<EntitlementJson>>('/v1/catalog')

  myRequests = () => this.#get<Items<RequestJson>>('/v1/requests', { scope: 'mine' })
  reviewInbox = () => this.#get<Items<RequestJson>>('/v1/requests', { scope: 'review' })
  request = (id: string) => this.#get<RequestDetail>(`/v1/requests/${encodeURIComponent(id)}`)
  submitRequest = (input: SubmitRequestInput) => this.#post<SubmitResult>('/v1/requests', input)
  previewRequest = (input: SubmitRequestInput) =>
    this.#post<RequestPreviewJson>('/v1/requests/preview', input)
  cancelRequest = (id: string) =>
    this.#post<RequestJson>(`/v1/requests/${encodeURIComponent(id)}/cancel`)
  review = (id: string, input: ReviewInput) =>
    this.#post<ReviewResult>(`/v1/requests/${encodeURIComponent(id)}/reviews`, input)

  myGrants = () => this.#get<Items<GrantJson>>('/v1/grants')
  revealCredential = (id: string) =>
    this.#post<CredentialJson>(`/v1/grants/${encodeURIComponent(id)}/credential`)
  completeGrant = (id: string) =>
    this.#post<GrantJson>(`/v1/grants/${encodeURIComponent(id)}/complete`)
  revokeGrant = (id: string) => this.#post<GrantJson>(`/v1/grants/${encodeURIComponent(id)}/revoke`)

  grant = (id: string) => this.#get<GrantJson>(`/v1/grants/${encodeURIComponent(id)}`)

  breakGlass = (input: BreakGlassInput) => this.#post<BreakGlassResult>('/v1/breakglass', input)
  breakGlassReviews = (state?: PostUseReviewState) =>
    this.#get<Items<PostUseReviewJson>>('/v1/breakglass/reviews', { state })
  reviewBreakGlass = (requestId: string, input: { verdict: PostUseVerdict; comment: string }) =>
    this.#post<PostUseReviewResult>(
      `/v1/breakglass/${encodeURIComponent(requestId)}/review`,
      input,
    )

  findings = (state?: string) => this.#get<Items<FindingJson>>('/v1/findings', { state })
  acceptFinding = (id: string, input: { reason: string; for: string }) =>
    this.#post<FindingJson>(`/v1/findings/${encodeURIComponent(id)}/accept`, input)

  exceptions = (state: 'active' | 'all') =>
    this.#get<Items<ExceptionJson>>('/v1/exceptions', { state })
  createException = (input: ExceptionInput) => this.#post<ExceptionJson>('/v1/exceptions', input)
  revokeException = (id: string, reason: string) =>
    this.#post<ExceptionJson>(`/v1/exceptions/${encodeURIComponent(id)}/revoke`, { reason })

  nhis = () => this.#get<Items<NhiJson>>('/v1/nhis')
  transferNhi = (id: string, newOwnerId: string) =>
    this.#post<{ identity: IdentityJson; revoked: unknown }>(
      `/v1/nhis/${encodeURIComponent(id)}/transfer`,
      { newOwnerId },
    )

  governanceReport = (period: { from: string; to: string }) =>
    this.#get<GovernanceReport>('/v1/reports/governance', period)

  evidence = (requestId: string) =>
    this.#get<EvidenceBundleJson>(`/v1/requests/${encodeURIComponent(requestId)}/evidence`)
  /** A new request linked to the grant; it goes through review like any other. */
  extendGrant = (id: string, input: { duration: string; justification: string }) =>
    this.#post<{ request: RequestJson; grant: GrantJson | null }>(
      `/v1/grants/${encodeURIComponent(id)}/extend`,
      input,
    )

  auditEvents = (query: AuditQuery) => this.#get<AuditPage>('/v1/audit/events', { ...query })
  auditCheckpoints = () => this.#get<Items<AuditCheckpointJson>>('/v1/audit/checkpoints')
  auditPublicKey = () => this.#get<{ publicKeyPem: string }>('/v1/audit/public-key')

  #get<T>(path: string, query?: Query): Promise<T> {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v))
    const search = qs.toString()
    return this.#call<T>('GET', search ? `${path}?${search}` : path)
  }

  #post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.#call<T>('POST', path, body)
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.#token}`,
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(path, {
        method,
        headers,
        // Credentials and tokens must not linger in the HTTP cache or travel as cookies.
        cache: 'no-store',
        credentials: 'omit',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
    } catch {
      throw clientError('client.network', 'Cannot reach the Hourglass server')
    }
    const parsed = await readJson(response)
    if (response.ok) return parsed as T
    const error = toServerError(response.status, parsed)
    if (error.isUnauthenticated) this.#onUnauthenticated(error)
    throw error
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!text) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw clientError('client.unexpected_response', `HTTP ${response.status} without a JSON body`)
  }
}

function toServerError(status: number, body: unknown): ApiError {
  const error = (body as { error?: unknown } | null)?.error
  if (isErrorJson(error)) return new ApiError(status, error)
  return new ApiError(status, {
    code: 'client.unexpected_response',
    message: `HTTP ${status} without an error body`,
  })
}

function isErrorJson(v: unknown): v is { code: string; message: string } {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o.code === 'string' && typeof o.message === 'string'
}
