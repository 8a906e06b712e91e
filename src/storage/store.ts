import type { AccessException, ExceptionUse } from '../domain/access-exception.js'
import type { AccessRequest, RequestState } from '../domain/access-request.js'
import type {
  AuditCheckpoint,
  AuditEvent,
  AuditEventInput,
} from '../domain/audit-event.js'
import type { PostUseReview, PostUseReviewState } from '../domain/break-glass.js'
import type { Entitlement, Target } from '../domain/catalog.js'
import type { Finding, FindingKind, FindingState } from '../domain/finding.js'
import type { Grant, GrantState } from '../domain/grant.js'
import type { Identity, IdentityKind } from '../domain/identity.js'
import type { OutboxMessage, OutboxState } from '../domain/outbox.js'
import type { ProvisionedGroup, ProvisionedUser } from '../domain/provisioning.js'
import type { Review } from '../domain/review.js'
import type {
  ApprovalFact,
  BreakGlassFact,
  DecisionFact,
  FindingFact,
  GrantFact,
  ReconciliationFact,
  RejectionFact,
  RequestFact,
  ResidualFact,
} from '../domain/report-facts.js'
import type { SiemCursor } from '../domain/siem-cursor.js'
import type { WorkloadExchange } from '../domain/workload-exchange.js'

export interface IdentityRepository {
  get(id: string): Promise<Identity | null>
  /**
   * `get`, and inside a transaction the identity is held against a concurrent update (a
   * suspension) until that transaction ends: the update waits, so whatever it does after its
   * commit (ending the identity's grants) sees what this transaction wrote.
   */
  getHeld(id: string): Promise<Identity | null>
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
  /**
   * The entitlement and its target (null when the target is gone) in one read where the engine
   * pays a round trip per statement: a request's path reads both at each decision.
   */
  getEntitlementWithTarget(id: string): Promise<{ entitlement: Entitlement; target: Target | null } | null>
  /**
   * In a transaction that changes the catalog, first: waits for every transaction that holds the
   * catalog (`transaction(fn, { holdCatalog: true })`) to end, and holds new ones off until this
   * one ends. What they decided on is then either committed before this change, or read after it.
   */
  lockForChange(): Promise<void>
  listEntitlements(): Promise<Entitlement[]>
  upsertEntitlement(entitlement: Entitlement): Promise<void>
}

export interface RequestFilter {
  requesterId?: string
  subjectId?: string
  /** Requests whose eligible-reviewer snapshot names this identity. */
  reviewerId?: string
  states?: readonly RequestState[]
  entitlementId?: string
  /** Requests naming this ticket reference (exact match). */
  ticketRef?: string
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

/** A grant as it should be stored, of which only `fields` changed since `expectedVersion`. */
export interface GrantPatch {
  grant: Grant
  expectedVersion: number
  fields: ReadonlyArray<keyof Omit<Grant, 'id' | 'version'>>
}

export interface GrantRepository {
  insert(grant: Grant): Promise<void>
  get(id: string): Promise<Grant | null>
  list(filter: GrantFilter): Promise<Grant[]>
  /** Compare-and-swap on version; writes every field and version + 1. False when someone else won. */
  update(grant: Grant, expectedVersion: number): Promise<boolean>
  /** The grants with these ids that exist, in no particular order. */
  getMany(ids: readonly string[]): Promise<Grant[]>
  /**
   * Compare-and-swap for many grants in the caller's transaction, writing only the named fields
   * of each (and version + 1): one short statement per grant, for the revocation batches. Per
   * patch, false when someone else changed that grant first.
   */
  patchMany(patches: readonly GrantPatch[]): Promise<boolean[]>
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
  /**
   * The part of `listRevocable` already under way or failed: `revoking` whose lease ran out (a
   * dead worker's claim, or an early revocation nobody claimed yet) and `revoke_failed` /
   * `irrevocable` due for retry. Most overdue first. Without the expired `active` grants, it stays
   * a short read while a mass expiry leaves thousands of them overdue.
   */
  listResumableRevocations(now: Date, limit: number): Promise<Grant[]>
  /**
   * Active grants due before `until`, for the in-memory revocation timer, soonest first (ties by
   * id). `after` pages on: only grants ordered after that one are returned. `buckets`: only
   * grants in these share buckets (a lifecycle node's share, `RevocationShare.buckets`).
   */
  listExpiringBefore(
    until: Date,
    limit: number,
    after?: { expiresAt: Date; id: string },
    buckets?: readonly number[],
  ): Promise<Array<{ id: string; expiresAt: Date }>>
  countByState(): Promise<Partial<Record<GrantState, number>>>
  /** Active grants per connector kind, in one grouped query (metrics). */
  countActiveByConnector(): Promise<Record<string, number>>
  /**
   * Grants past their revocation due time (an early revocation's, else expiry) that are not
   * revoked: `active`, `revoking` and `revoke_failed`. `irrevocable` is counted apart.
   */
  countOverdue(now: Date): Promise<number>
  /** Grants in these states whose subject is no longer active (the context-change backstop). */
  listHeldByInactiveSubjects(states: readonly GrantState[], limit: number): Promise<Grant[]>
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
  /**
   * The token and its identity (null when the identity is gone) in one read where the engine
   * pays a round trip per statement: every API call authenticates with both.
   */
  getByHashWithIdentity(tokenHash: string): Promise<{ token: ApiToken; identity: Identity | null } | null>
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
  /** Appends several events in order, as `append` would one by one, in the caller's transaction. */
  appendMany(inputs: ReadonlyArray<AuditEventInput & { id: string; at: Date }>): Promise<AuditEvent[]>
  head(): Promise<{ seq: number; hash: string }>
  list(filter: {
    afterSeq?: number
    limit: number
    requestId?: string
    grantId?: string
    actor?: string
    /** Inclusive lower bound on `at`. */
    from?: Date
    /** Exclusive upper bound on `at`. */
    to?: Date
  }): Promise<AuditEvent[]>
  insertCheckpoint(checkpoint: AuditCheckpoint): Promise<void>
  listCheckpoints(): Promise<AuditCheckpoint[]>
}

/**
 * One connector state entry to write: key, value, and `exp`, the epoch second from which the
 * entry no longer matters (absent or null: it matters for good and is never pruned).
 */
export type ConnectorStateEntry = readonly [key: string, value: string, exp?: number | null]

/**
 * Small per-target key-value space for connectors (signing keys, revocation lists). Each entry may
 * carry `exp` (epoch seconds, in clear beside the value), after which `deleteExpired` removes it.
 *
 * @example
 * await repo.putIfAbsent('orders-api', 'revoked:abc', sealed, 1_790_000_000)
 * await repo.deleteExpired('orders-api', nowSeconds - retentionSeconds, 1_000)
 */
export interface ConnectorStateRepository {
  get(targetId: string, key: string): Promise<string | null>
  /** Writes the whole entry: an existing key gets this value and this `exp` (absent: null). */
  put(targetId: string, key: string, value: string, exp?: number | null): Promise<void>
  /** An existing entry keeps its value and its `exp`. */
  putIfAbsent(targetId: string, key: string, value: string, exp?: number | null): Promise<string>
  /** Inserts each entry whose key is absent, all in one transaction (a batch of revocation records). */
  putManyIfAbsent(targetId: string, entries: ReadonlyArray<ConnectorStateEntry>): Promise<void>
  /** The stored values of those keys that exist. */
  getMany(targetId: string, keys: readonly string[]): Promise<Map<string, string>>
  /**
   * Deletes at most `batchSize` of the target's entries whose `exp` is set and below `below`
   * (epoch seconds), oldest first, in one statement; returns how many it deleted. An entry whose
   * `exp` another writer moves to `below` or later, or to null, while this runs, stays.
   */
  deleteExpired(targetId: string, below: number, batchSize: number): Promise<number>
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
  /** Open findings per kind, in one grouped query (metrics). */
  countOpenByKind(): Promise<Partial<Record<FindingKind, number>>>
}

export interface BreakGlassReviewFilter {
  /** The instant the states are judged at: overdue means unreviewed and due at or before it. */
  now: Date
  userId?: string
  state?: PostUseReviewState
  /** Only reviews that were not escalated yet. */
  notEscalated?: boolean
  limit?: number
}

/** One post-use review per break-glass use, created with the use. */
export interface BreakGlassReviewRepository {
  insert(review: PostUseReview): Promise<void>
  get(requestId: string): Promise<PostUseReview | null>
  /** Most recent use first. */
  list(filter: BreakGlassReviewFilter): Promise<PostUseReview[]>
  /** Break-glass uses by one user after `since` (the rate limit). */
  countUsesSince(userId: string, since: Date): Promise<number>
  /** Uses unreviewed at `now` whose review was due at or before it (metrics). */
  countOverdue(now: Date): Promise<number>
  /** Compare-and-swap on version; writes every field and version + 1. */
  update(review: PostUseReview, expectedVersion: number): Promise<boolean>
}

export interface ExceptionFilter {
  /** Only exceptions active at this instant (neither ended nor expired). */
  activeAt?: Date
  identityId?: string
  entitlementId?: string
  limit?: number
}

export interface ExceptionRepository {
  insert(exception: AccessException): Promise<void>
  get(id: string): Promise<AccessException | null>
  /** Newest first. */
  list(filter: ExceptionFilter): Promise<AccessException[]>
  /** Active at `now` and scoped to this subject and entitlement (or leaving either open). */
  listApplicable(now: Date, subjectId: string, entitlementId: string): Promise<AccessException[]>
  /** Compare-and-swap on version; writes everything but `uses` and version + 1. */
  update(exception: AccessException, expectedVersion: number): Promise<boolean>
  /** Atomic `uses + 1`, so concurrent uses all count. */
  incrementUses(id: string): Promise<void>
  insertUse(use: ExceptionUse): Promise<void>
  /** Newest first. */
  listUses(exceptionId: string, limit: number): Promise<ExceptionUse[]>
  /** Uses of the exception, and grants of the entitlement, created after `since` (drift share). */
  usageSince(
    exceptionId: string,
    entitlementId: string,
    since: Date,
  ): Promise<{ uses: number; grants: number }>
}

/** People and groups provisioned over SCIM (issue 4b); identities stay the authority for access. */
export interface ProvisioningRepository {
  getUser(identityId: string): Promise<ProvisionedUser | null>
  /** By userName, case-insensitively (offboarded people included: their names stay taken). */
  getUserByUserName(userName: string): Promise<ProvisionedUser | null>
  /** Provisioned people who are not offboarded, in id order. */
  listUsers(filter: {
    userName?: string
    externalId?: string
    offset: number
    limit: number
  }): Promise<{ total: number; items: ProvisionedUser[] }>
  /** Throws `scim.uniqueness` when the userName is taken. */
  insertUser(user: ProvisionedUser): Promise<void>
  updateUser(user: ProvisionedUser): Promise<void>
  /** Ids of provisioned, not offboarded people in the group. */
  listMemberIds(groupName: string): Promise<string[]>
  getGroup(id: string): Promise<ProvisionedGroup | null>
  listGroups(filter: {
    displayName?: string
    externalId?: string
    offset: number
    limit: number
  }): Promise<{ total: number; items: ProvisionedGroup[] }>
  /** Throws `scim.uniqueness` when the group name is taken. */
  insertGroup(group: ProvisionedGroup): Promise<void>
  /** Compare-and-swap on version; writes version + 1. */
  updateGroup(group: ProvisionedGroup, expectedVersion: number): Promise<boolean>
  deleteGroup(id: string, expectedVersion: number): Promise<boolean>
}

/** One-time values (webhook delivery ids, token ids), remembered while they could be replayed. */
export interface NonceRepository {
  /**
   * Remembers `value` in `scope` until `expiresAt`; false when it is already remembered (a
   * replay). Values expired at `now` are forgotten first. Of two concurrent calls, one wins.
   */
  remember(scope: string, value: string, expiresAt: Date, now: Date): Promise<boolean>
  forget(scope: string, value: string): Promise<void>
}

/** Which job an exchanged grant belongs to, and the hash of its completion token. */
export interface WorkloadExchangeRepository {
  insert(exchange: WorkloadExchange): Promise<void>
  getByGrant(grantId: string): Promise<WorkloadExchange | null>
}

export interface OutboxFilter {
  states?: readonly OutboxState[]
  /** The audit event type that caused the messages. */
  kind?: string
  limit?: number
}

/** Notifications waiting to be sent after commit (STYLE §7); see docs/notifications.md. */
export interface OutboxRepository {
  /**
   * Queues a message, normally in the transaction of the change that causes it. False (nothing
   * written) when a message with the same dedupe key exists.
   */
  enqueue(message: OutboxMessage): Promise<boolean>
  get(id: string): Promise<OutboxMessage | null>
  /** Newest first. */
  list(filter: OutboxFilter): Promise<OutboxMessage[]>
  /** Pending messages whose next attempt (or lapsed claim) is due at `now`, oldest first. */
  listDue(now: Date, limit: number): Promise<OutboxMessage[]>
  /** Compare-and-swap on version; writes every field and version + 1. False when someone else won. */
  update(message: OutboxMessage, expectedVersion: number): Promise<boolean>
}

/**
 * Read-only queries for the governance report (docs/reports.md). Each reads only what its period
 * touches, through indexes, so the report's cost follows the period's activity, not the
 * database's age. Periods are [from, to).
 *
 * @example
 * const grants = await store.reports.grants(from, to)
 */
export interface ReportRepository {
  requestsSubmitted(from: Date, to: Date): Promise<RequestFact[]>
  /** `request.approved` and the four denial events, by kind. */
  decisions(from: Date, to: Date): Promise<DecisionFact[]>
  /** Grants issued, revoked, expiring or ended early in the period, and due but unrevoked at `to`. */
  grants(from: Date, to: Date): Promise<GrantFact[]>
  approvals(from: Date, to: Date): Promise<ApprovalFact[]>
  rejections(from: Date, to: Date): Promise<RejectionFact[]>
  residuals(from: Date, to: Date): Promise<ResidualFact[]>
  breakGlass(from: Date, to: Date): Promise<{ usedInPeriod: BreakGlassFact[]; overdueAtEnd: number }>
  exceptions(from: Date, to: Date): Promise<{ activeAtEnd: number; used: number }>
  /** The latest `reconcile.completed` of each of these targets at or before `to`. */
  latestReconciliations(to: Date, targetIds: readonly string[]): Promise<ReconciliationFact[]>
  openFindings(at: Date): Promise<FindingFact[]>
}

/** Per-sink cursors of the SIEM streamer (docs/siem.md). */
export interface SiemCursorRepository {
  get(sink: string): Promise<SiemCursor | null>
  /** Creates the cursor when the sink has none; returns the stored one either way. */
  ensure(initial: SiemCursor): Promise<SiemCursor>
  list(): Promise<SiemCursor[]>
  /** Compare-and-swap on version; writes every field and version + 1. False when someone else won. */
  update(cursor: SiemCursor, expectedVersion: number): Promise<boolean>
}

/**
 * Heartbeats of the running lifecycle engines: who shares the due grants (docs/architecture.md,
 * "Several processes"). Times are the beating node's clock, as leases are.
 */
export interface LifecycleNodeRepository {
  /** Records that `workerId` is alive at `at` (inserting its row the first time). */
  beat(workerId: string, at: Date): Promise<void>
  /** The nodes whose last heartbeat is at or after `since`, sorted by workerId. */
  listLive(since: Date): Promise<string[]>
  /** Removes a node's row: a node leaving cleanly hands its share over at once. */
  leave(workerId: string): Promise<void>
  /** Forgets nodes silent since before `before`; returns how many. */
  forgetSilentSince(before: Date): Promise<number>
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
  breakGlassReviews: BreakGlassReviewRepository
  exceptions: ExceptionRepository
  provisioning: ProvisioningRepository
  nonces: NonceRepository
  workloadExchanges: WorkloadExchangeRepository
  outbox: OutboxRepository
  reports: ReportRepository
  siemCursors: SiemCursorRepository
  lifecycleNodes: LifecycleNodeRepository
}

export interface TransactionOptions {
  /**
   * The catalog as this transaction reads it stays in force until it ends: a catalog change
   * (`catalog.lockForChange`) waits for it, and one in progress holds it off until committed, so
   * whatever the change does after its commit (re-deciding the grants in force) sees what this
   * transaction wrote. SQLite's write transaction holds every other writer off already.
   */
  holdCatalog?: boolean
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
  transaction<T>(fn: (tx: Repositories) => Promise<T>, options?: TransactionOptions): Promise<T>
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * `tx` with one repository wrapped, the others reached through it as they are. Not a spread: a
 * store may build its repositories on first use, and a spread would build every one of them.
 * Not `Object.create(tx)` either: with the transaction as a prototype, its whole graph survived
 * V8's young-generation collections and reached the old generation on every request (measured:
 * ~1.7 KB of an empty transaction; docs/benchmarks.md, the round of 2026-11-25 06:32 UTC).
 */
export function wrapRepository<K extends keyof Repositories>(
  tx: Repositories,
  name: K,
  wrap: (inner: Repositories[K]) => Repositories[K],
): Repositories {
  let wrapped: Repositories[K] | undefined
  return new Proxy(tx, {
    get: (target, property) =>
      property === name ? (wrapped ??= wrap(target[name])) : (Reflect.get(target, property) as unknown),
  })
}
