import type { z } from 'zod'
import type { Secret } from '../config/secret.js'

/** Failure reasons a connector may report; nothing else is thrown by a connector. */
export const CONNECTOR_FAILURES = ['unreachable', 'rejected', 'conflict', 'not-found'] as const
export type ConnectorFailure = (typeof CONNECTOR_FAILURES)[number]

export class ConnectorError extends Error {
  readonly reason: ConnectorFailure
  readonly retryable: boolean
  constructor(reason: ConnectorFailure, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ConnectorError'
    this.reason = reason
    this.retryable = options.retryable
  }
}

/** What a connector needs to know about the grant it issues for. */
export interface GrantSpec {
  grantId: string
  /** Target-side name derived from the grant id. */
  targetName: string
  subjectId: string
  entitlementId: string
  /** The catalog entitlement's connector parameters, already validated by `paramsSchema`. */
  params: Record<string, unknown>
  startsAt: Date
  expiresAt: Date
  /**
   * True when the grant exists only in the caller's open transaction (issued in its submission):
   * nothing outside that transaction knows its id, so nothing can have revoked it yet.
   */
  uncommitted?: boolean
}

export interface IssueResult {
  handle: Record<string, unknown>
  credential: Secret
  expiresAt: Date
  instructions?: string
}

export interface OperationOptions {
  signal: AbortSignal
}

/** Live state of an issued credential on the target. */
export type Liveness = 'live' | 'gone'

/** One handle's result in a batch revoke: verified (live means the revoke did not take) or failed. */
export type RevokeOutcome = { ok: true; liveness: Liveness } | { ok: false; error: unknown }

/**
 * One piece of access found on a target, for reconciliation. Connectors report both what they
 * created (names derived from grant ids) and anyone else holding a privilege Hourglass grants
 * (e.g. every member of a target role), so shadow access becomes visible.
 */
export interface TargetAccess {
  /** Stable identity of this entry on the target, e.g. `member:alice:app_read`. */
  key: string
  /** The principal on the target: a role, an ACL user, a certificate key id. */
  principal: string
  /** The grant this principal was created for, when its name was derived from a grant id. */
  grantId: string | null
  /** The privileges it holds that matter here, normalised and sorted (target roles, ACL rules). */
  privileges: string[]
}

/** What reconciliation asks a connector to look at: the parameters of every entitlement on the target. */
export interface ReconcileScope {
  params: ReadonlyArray<Record<string, unknown>>
}

/**
 * The handle revoke receives when issuance never recorded one (a crash between the target call
 * and the commit). Names on the target derive from the grant id, so it is enough to find and
 * remove an earlier attempt. Every connector's revoke must accept it.
 */
export interface IntentHandle {
  grantId: string
  targetName: string
  intent: true
}

export interface ConnectorInstance {
  /** Idempotent by grant id: a retry finds or replaces its own earlier attempt. */
  issue(grant: GrantSpec, options: OperationOptions): Promise<IssueResult>
  /**
   * issue for connectors whose issuing is local work plus writes to their own state (the jwt
   * signature and its state reads): the state is `state`, which the host binds to the transaction
   * that also records the request and commits the grant active, so a credential and its grant
   * commit together or not at all. Only for connectors that call no remote system here: the
   * caller's transaction stays open across the call. Without it the host issues with `issue`.
   */
  issueInStore?(grant: GrantSpec, state: ConnectorStateStore, options: OperationOptions): Promise<IssueResult>
  /** Idempotent and best-effort: "already gone" is success. */
  revoke(handle: Record<string, unknown>, options: OperationOptions): Promise<void>
  inspect?(handle: Record<string, unknown>, options: OperationOptions): Promise<Liveness>
  /**
   * Revokes many credentials of this target at once and verifies each, for targets that take a
   * batch in one write (the jwt revocation list): per handle, in order, whether access is now gone
   * or the failure (as revoke would throw it). Without it the host revokes one by one.
   */
  revokeMany?(
    handles: ReadonlyArray<Record<string, unknown>>,
    options: OperationOptions,
  ): Promise<RevokeOutcome[]>
  /**
   * revokeMany for targets whose revoke is nothing but a write to this connector's own state (the
   * jwt revocation list): the records go into `state`, which the host binds to the transaction
   * that also marks the grants revoked, so a record and its grant commit together or not at all
   * and a grant needs no `revoking` claim in between. Only for connectors that touch no remote
   * system here: the caller's transaction stays open across the call.
   */
  revokeManyInStore?(
    handles: ReadonlyArray<Record<string, unknown>>,
    state: ConnectorStateStore,
    options: OperationOptions,
  ): Promise<RevokeOutcome[]>
  /** Everything relevant on the target now, for reconciliation (shadow, lingering, drift). */
  list?(scope: ReconcileScope, options: OperationOptions): Promise<TargetAccess[]>
  /**
   * The privileges (in `list()`'s normalised form) a grant with these entitlement parameters
   * should hold, so reconciliation can report drift. Without it drift is not checked.
   */
  privilegesFor?(params: Record<string, unknown>): string[]
  /** Authoritative mode: remove access that no grant backs. Idempotent; "already gone" is success. */
  removeAccess?(entry: TargetAccess, options: OperationOptions): Promise<void>
  verifyConfig?(options: OperationOptions): Promise<void>
  close(): Promise<void>
}

/** Narrow services the host lends a connector; connectors import nothing from app/storage/http. */
export interface ConnectorDeps {
  now(): Date
  newId(prefix: string): string
  /** Small durable key-value space private to this target (keys, revocation lists). */
  state: ConnectorStateStore
}

/**
 * An entry to write: key, value, and how long it matters. `exp` is the epoch second from which the
 * entry says nothing the target does not already enforce (a revocation record once its token's
 * own expiry refuses the token): the host may delete it some retention after that
 * (`lifecycle.revocationRecordRetentionSeconds`). Absent or null, the entry is kept for good.
 */
export type StateEntry = readonly [key: string, value: string, exp?: number | null]

export interface ConnectorStateStore {
  get(key: string): Promise<string | null>
  /** Replaces the whole entry, its `exp` included (absent: kept for good). */
  put(key: string, value: string, exp?: number | null): Promise<void>
  /** Insert only if absent; returns the value now stored. An existing entry keeps its `exp`. */
  putIfAbsent(key: string, value: string, exp?: number | null): Promise<string>
  /** Insert each entry whose key is absent, in one transaction. */
  putManyIfAbsent?(entries: ReadonlyArray<StateEntry>): Promise<void>
  /** The values of those keys that exist. */
  getMany?(keys: readonly string[]): Promise<Map<string, string>>
  /** Which of those keys exist, without their values (nothing to unseal). */
  hasMany?(keys: readonly string[]): Promise<Set<string>>
}

export interface ConnectorDefinition<Config = unknown, Params = unknown> {
  kind: string
  version: string
  /** Whether revoke removes access at once, or access ends only when the credential expires. */
  revocation: 'immediate' | 'expiry-only'
  /** Target configuration; secret fields parse to `Secret`. */
  configSchema: z.ZodType<Config>
  /** What a catalog entitlement may ask of this target (scopes, role, principals). */
  paramsSchema: z.ZodType<Params>
  create(config: Config, deps: ConnectorDeps): ConnectorInstance
}
