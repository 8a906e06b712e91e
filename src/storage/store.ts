import type { AccessRequest, RequestState } from '../domain/access-request.js'
import type {
  AuditCheckpoint,
  AuditEvent,
  AuditEventInput,
} from '../domain/audit-event.js'
import type { Entitlement, Target } from '../domain/catalog.js'
import type { Finding, FindingKind, FindingState } from '../domain/finding.js'
import type { Grant, GrantState } from '../domain/grant.js'
import type { Identity, IdentityKind } from '../domain/identity.js'
import type { Review } from '../domain/review.js'

export interface IdentityRepository {
  get(id: string): Promise<Identity | null>
  getByOidc(issuer: string, subject: string): Promise<Identity | null>
  list(filter?: { kind?: IdentityKind; ownerId?: string }): Promise<Identity[]>
  /** Active humans that belong to any of the groups. */
  listActiveHumansInGroups(groups: readonly string[]): Promise<Identity[]>
  insert(identity: Identity): Promise<void>
  /** Compare-and-swap on version; writes version + 1. False when someone else won. */
  update(identity: Identity, expectedVersion: number): Promise<boolean>
}

export interface CatalogRepository {
  getTarget(id: string): Promise<Target | null>
  listTargets(): Promise<Target[]>
  upsertTarget(target: Target): Promise<void>
  getEntitlement(id: string): Promise<Entitlement | null>
  listEntitlements(): Promise<Entitlement[]>
  upsertEntitlement(entitlement: Entitlement): Promise<void>
}

export interface RequestFilter {
  requesterId?: string
  subjectId?: string
  /** Requests whose eligible-reviewer snapshot names this identity. */
  reviewerId?: string
  states?: readonly RequestState[]
  limit?: number
}

export interface RequestRepository {
  insert(request: AccessRequest): Promise<void>
  get(id: string): Promise<AccessRequest | null>
  list(filter: RequestFilter): Promise<AccessRequest[]>
  /** Compare-and-swap on version; writes version + 1. False when someone else won. */
  update(request: AccessRequest, expectedVersion: number): Promise<boolean>
  /** Pending requests whose review deadline has passed. */
  listLapsable(now: Date, limit: number): Promise<AccessRequest[]>
}

export interface ReviewRepository {
  /** False if this reviewer already reviewed this request (unique per request and reviewer). */
  insert(review: Review): Promise<boolean>
  listForRequest(requestId: string): Promise<Review[]>
}

export interface GrantFilter {
  subjectId?: string
  targetId?: string
  requestId?: string
  states?: readonly GrantState[]
  limit?: number
}

export interface GrantRepository {
  insert(grant: Grant): Promise<void>
  get(id: string): Promise<Grant | null>
  list(filter: GrantFilter): Promise<Grant[]>
  /** Compare-and-swap on version; writes every field and version + 1. False when someone else won. */
  update(grant: Grant, expectedVersion: number): Promise<boolean>
  /**
   * Grants an issuance worker may claim now: `scheduled` (startsAt ≤ now), `issue_failed`
   * (nextAttemptAt ≤ now) and `issuing` whose lease ran out (a crashed worker). Oldest first.
   */
  listIssuable(now: Date, limit: number): Promise<Grant[]>
  /**
   * Grants a revocation worker may claim now: `active` past expiresAt, `revoking` whose lease ran
   * out, `revoke_failed` (nextAttemptAt ≤ now) and `irrevocable` (nextAttemptAt ≤ now). Most overdue first.
   */
  listRevocable(now: Date, limit: number): Promise<Grant[]>
  /** Active grants due before `until`, for the in-memory revocation timer. */
  listExpiringBefore(until: Date, limit: number): Promise<Array<{ id: string; expiresAt: Date }>>
  countByState(): Promise<Partial<Record<GrantState, number>>>
}

export interface ApiToken {
  id: string
  identityId: string
  name: string
  /** sha256 of the token; the token itself is shown once and never stored. */
  tokenHash: string
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
}

export interface TokenRepository {
  insert(token: ApiToken): Promise<void>
  getByHash(tokenHash: string): Promise<ApiToken | null>
  listForIdentity(identityId: string): Promise<ApiToken[]>
  revoke(id: string, at: Date): Promise<boolean>
}

export interface AuditRepository {
  /**
   * Appends one event at the chain head, in the caller's transaction: the next gapless sequence
   * number, prevHash = current head, hash over the canonical encoding. Appends are serialised
   * across processes (the head row is locked), so the chain never forks.
   */
  append(input: AuditEventInput & { id: string; at: Date }): Promise<AuditEvent>
  head(): Promise<{ seq: number; hash: string }>
  list(filter: {
    afterSeq?: number
    limit: number
    requestId?: string
    grantId?: string
  }): Promise<AuditEvent[]>
  insertCheckpoint(checkpoint: AuditCheckpoint): Promise<void>
  listCheckpoints(): Promise<AuditCheckpoint[]>
}

/** Small per-target key-value space for connectors (signing keys, revocation lists). */
export interface ConnectorStateRepository {
  get(targetId: string, key: string): Promise<string | null>
  put(targetId: string, key: string, value: string): Promise<void>
  putIfAbsent(targetId: string, key: string, value: string): Promise<string>
}

export interface FindingFilter {
  targetId?: string
  states?: readonly FindingState[]
  kinds?: readonly FindingKind[]
  limit?: number
}

export interface FindingRepository {
  get(id: string): Promise<Finding | null>
  /** The finding for this piece of access, whatever its state (unique per target, kind and key). */
  getByKey(targetId: string, kind: FindingKind, key: string): Promise<Finding | null>
  list(filter: FindingFilter): Promise<Finding[]>
  insert(finding: Finding): Promise<void>
  /** Compare-and-swap on version; writes every field and version + 1. */
  update(finding: Finding, expectedVersion: number): Promise<boolean>
}

export interface Repositories {
  identities: IdentityRepository
  catalog: CatalogRepository
  requests: RequestRepository
  reviews: ReviewRepository
  grants: GrantRepository
  tokens: TokenRepository
  audit: AuditRepository
  connectorState: ConnectorStateRepository
  findings: FindingRepository
}

/**
 * Port to persistence. Reads may use the repositories directly; every state change runs in
 * `transaction`, which commits everything (including its audit events) or nothing.
 *
 * @example
 * await store.transaction(async (tx) => {
 *   if (!(await tx.requests.update(next, current.version))) throw conflict()
 *   await tx.audit.append({ type: 'request.cancelled', actor, requestId: next.id, data: {}, id, at })
 * })
 */
export interface Store extends Repositories {
  readonly engine: 'sqlite' | 'postgres'
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>
  close(): Promise<void>
}
