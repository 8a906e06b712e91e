import type { AccessRequest } from '../domain/access-request.js'
import type { PostUseReview } from '../domain/break-glass.js'
import type { Target } from '../domain/catalog.js'
import type { Grant } from '../domain/grant.js'
import type { NotificationRouting } from '../domain/notifications.js'
import type { FaultPoints } from '../domain/fault-points.js'
import type { Clock, IdSource } from '../domain/ports.js'
import type { Secret } from '../config/secret.js'
import type { ConnectorDefinition, ConnectorInstance, ConnectorStateStore } from '../connectors/connector.js'
import type { PolicyEngine } from '../policy/policy-engine.js'
import type { Repositories, Store } from '../storage/store.js'

/** Resolves configured targets to live connector instances (cached, secret-redacted). */
export interface ConnectorHost {
  definition(kind: string): ConnectorDefinition
  instanceFor(target: Target): Promise<ConnectorInstance>
  /**
   * The target's connector state (sealed at rest, as the instance's own) inside the caller's
   * transaction, for `revokeManyInStore`.
   */
  stateIn(tx: Repositories, target: Target): ConnectorStateStore
}

/** Encrypts values the database must never hold in clear (issued credentials, connector keys). */
export interface Sealer {
  seal(plain: string): string
  open(sealed: string): Secret
}

/** The slice of a structured logger use cases need; pino satisfies it. */
export interface Logger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
  debug(obj: object, msg?: string): void
}

/** Tells the rest of the process about work that was just committed (after commit, never before). */
export interface WorkSignals {
  grantScheduled(grantId: string): void
  grantActivated(grant: Pick<Grant, 'id' | 'expiresAt'>): void
  revocationRequested(grantId: string): void
  grantIrrevocable(grant: Pick<Grant, 'id' | 'connectorKind'>): void
  grantRevoked(grant: Pick<Grant, 'id' | 'connectorKind' | 'revocationLagMs'>): void
  /** Break-glass was used: owners and security must hear of it at once. */
  breakGlassUsed(request: AccessRequest): void
  /** A break-glass use passed its post-use review deadline unreviewed (escalated once). */
  breakGlassReviewOverdue(review: PostUseReview): void
}

/**
 * Hands a grant that a submission committed already claimed for issuance (state `issuing`, leased
 * to this worker) to this process's issuance worker, so it runs without a claim transaction of its
 * own. Held in memory only: a grant lost here is an `issuing` grant whose lease runs out, which
 * any node's sweep resumes, exactly as after a crash that follows a claim.
 */
export interface IssuanceHandoff {
  /** Whether this process's worker is running, so a grant claimed now will be issued here. */
  accepting(): boolean
  /** After the commit that claimed the grant; the signal that schedules it comes next. */
  put(grant: Grant): void
  /** The claimed grant as committed, once; undefined when none is held for that id. */
  take(grantId: string): Grant | undefined
}

export interface RetrySettings {
  maxAttempts: number
  baseMs: number
  capMs: number
}

export interface GovernanceSettings {
  breakGlass: {
    /** The post-use review is due this long after the use. */
    reviewWithinSeconds: number
    /** Uses per user in any 24 hours. */
    maxUsesPerDay: number
    /** Refuse a user's next break-glass while one of theirs is overdue for review. */
    blockWhileOverdue: boolean
    /** Members are told of every use and may review any. */
    securityGroup: string
  }
  /** The durations along a chain of extensions may sum to at most this × the entitlement max. */
  extensionCapFactor: number
  /** After a reviewer's denial, the same requester waits this long to ask for it again. */
  cooldownAfterDenialSeconds: number
  exceptions: {
    /** More renewals in a row than this is drift. */
    maxRenewals: number
    /** A share of an entitlement's grants above this (within the window) is drift. */
    maxShare: number
    /** Fewer grants than this in the window make the share meaningless. */
    minGrants: number
    windowSeconds: number
  }
  /** Grants held by NHIs whose owner left: revoke them at once, or hold them (flagged only). */
  orphanedNhiGrants: 'revoke' | 'hold'
}

export interface LifecycleSettings {
  /** How long a pending request waits for reviews before it lapses. */
  reviewTtlSeconds: number
  issue: RetrySettings
  revoke: RetrySettings
  /** How long a claimed issuance or revocation is reserved for the worker that claimed it. */
  leaseMs: number
  /** How often an irrevocable grant is tried again. */
  irrevocableRetryMs: number
  /** Timeout for one connector call. */
  connectorTimeoutMs: number
  /** Members of this group administer Hourglass. */
  adminGroup: string
  /** Identifies this process in leases. */
  workerId: string
  governance: GovernanceSettings
}

export interface AppDeps {
  store: Store
  policy: PolicyEngine
  clock: Clock
  ids: IdSource
  /** Uniform random in [0, 1) for jitter; faked in tests. */
  random(): number
  connectors: ConnectorHost
  sealer: Sealer
  log: Logger
  signals: WorkSignals
  settings: LifecycleSettings
  /** Where audited events send notifications; unset sends none (docs/notifications.md). */
  notifications?: NotificationRouting
  /** Crash-test hooks at each step of issuance and revocation; unset in production. */
  faults?: FaultPoints
  /** Set where a lifecycle worker runs in this process; unset, submissions only schedule grants. */
  handoff?: IssuanceHandoff
}

export const NO_SIGNALS: WorkSignals = {
  grantScheduled: () => undefined,
  grantActivated: () => undefined,
  revocationRequested: () => undefined,
  grantIrrevocable: () => undefined,
  grantRevoked: () => undefined,
  breakGlassUsed: () => undefined,
  breakGlassReviewOverdue: () => undefined,
}
