import { AppError } from './errors.js'
import type { Identity } from './identity.js'

/**
 * What an exception covers. Every named field must match for it to apply; at least one is named.
 * `policyId` names the policy the exception is about: policies see it as `policy:<id>`.
 */
export interface ExceptionScope {
  identityId: string | null
  entitlementId: string | null
  policyId: string | null
}

/** A first-class, time-bound exception to policy, approved by someone who does not benefit. */
export interface AccessException {
  id: string
  scope: ExceptionScope
  reason: string
  /** Who approved (and created) it: an admin or an owner of the entitlement, never the beneficiary. */
  approverId: string
  createdAt: Date
  /** At most 90 days after creation; checked at every decision. */
  expiresAt: Date
  /** The exception this one renews, if any. */
  renewedFrom: string | null
  /** How many renewals in a row led here (0 for a fresh exception). */
  renewals: number
  /** Decisions it changed. */
  uses: number
  revokedAt: Date | null
  revokedBy: string | null
  /** Why it ended early: `revoked` or `renewed`. */
  endReason: string | null
  version: number
}

/** One decision an exception changed, linked to the request (and grant) it allowed. */
export interface ExceptionUse {
  id: string
  exceptionId: string
  requestId: string
  grantId: string | null
  action: string
  at: Date
}

export const MAX_EXCEPTION_SECONDS = 90 * 86400

export function isExceptionActive(
  e: Pick<AccessException, 'revokedAt' | 'expiresAt'>,
  now: Date,
): boolean {
  return e.revokedAt === null && e.expiresAt.getTime() > now.getTime()
}

export function assertScope(scope: ExceptionScope): void {
  if (scope.identityId === null && scope.entitlementId === null && scope.policyId === null) {
    throw new AppError(
      'input.invalid',
      'An exception names at least an identity, an entitlement or a policy',
    )
  }
}

/**
 * The approver never benefits: not the identity it names, not the owner of an NHI it names
 * (owning the subject is self-interest, as for reviews), and always an active person.
 */
export function assertExceptionApprover(
  approver: Identity,
  beneficiary: Pick<Identity, 'id' | 'ownerId'> | null,
): void {
  if (approver.kind !== 'human' || approver.status !== 'active') {
    throw new AppError('auth.forbidden', 'Only an active person can approve an exception')
  }
  if (beneficiary && (beneficiary.id === approver.id || beneficiary.ownerId === approver.id)) {
    throw new AppError(
      'exception.self_approval_forbidden',
      'The beneficiary of an exception (or the owner of the NHI it names) cannot approve it',
    )
  }
}

export interface DecisionParties {
  principalId: string
  subject: Pick<Identity, 'id' | 'ownerId'>
  entitlementId: string
}

/**
 * The active exceptions a decision may see: their scope matches the subject and entitlement, and
 * their approver is not a party to it — an exception that names nobody must not let its own
 * approver through either.
 */
export function applicableExceptions(
  all: readonly AccessException[],
  parties: DecisionParties,
  now: Date,
): AccessException[] {
  const interested = new Set([parties.principalId, parties.subject.id, parties.subject.ownerId])
  return all.filter(
    (e) =>
      isExceptionActive(e, now) &&
      (e.scope.identityId === null || e.scope.identityId === parties.subject.id) &&
      (e.scope.entitlementId === null || e.scope.entitlementId === parties.entitlementId) &&
      !interested.has(e.approverId),
  )
}

/**
 * What the policy sees of one exception: a token for what its scope pinned — `identity`,
 * `entitlement`, `identity+entitlement`, or `policy:<id>` for an exception about one policy
 * (its identity and entitlement then only narrow where it applies).
 */
export function scopeToken(scope: ExceptionScope): string {
  if (scope.policyId !== null) return `policy:${scope.policyId}`
  const named = [
    scope.identityId !== null ? 'identity' : null,
    scope.entitlementId !== null ? 'entitlement' : null,
  ]
  return named.filter((n) => n !== null).join('+')
}

/** The context's `exceptions` set: every applicable exception's id and scope token. */
export function exceptionContext(list: readonly AccessException[]): string[] {
  return [...new Set(list.flatMap((e) => [e.id, scopeToken(e.scope)]))].sort()
}

export interface DriftSettings {
  /** More renewals in a row than this is drift. */
  maxRenewals: number
  /** A share of an entitlement's grants above this, within the window, is drift. */
  maxShare: number
  /** Below this many grants in the window the share is not meaningful. */
  minGrants: number
}

/**
 * Exception drift: an exception renewed again and again, or one that carries a large share of an
 * entitlement's grants, has become the rule and belongs in policy (or should end).
 */
export function exceptionDrift(
  e: Pick<AccessException, 'renewals'>,
  share: { uses: number; grants: number } | null,
  settings: DriftSettings,
): Record<string, unknown> | null {
  if (e.renewals > settings.maxRenewals) {
    return { reason: 'renewed repeatedly', renewals: e.renewals, maxRenewals: settings.maxRenewals }
  }
  if (
    share &&
    share.grants >= settings.minGrants &&
    share.uses / share.grants > settings.maxShare
  ) {
    return { reason: 'carries a large share of the grants', ...share, maxShare: settings.maxShare }
  }
  return null
}
