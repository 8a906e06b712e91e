export const GRANT_STATES = [
  'scheduled',
  'issuing',
  'issue_failed',
  'active',
  'revoking',
  'revoke_failed',
  'revoked',
  'irrevocable',
] as const
export type GrantState = (typeof GRANT_STATES)[number]

export const REVOKE_REASONS = [
  'expired',
  'manual',
  'completed',
  'cancelled',
  'ticket_closed',
  'context_change',
  'activation_denied',
  'issue_failed',
  'superseded',
] as const
export type RevokeReason = (typeof REVOKE_REASONS)[number]

export const VERIFICATION_RESULTS = ['gone', 'still_live', 'not_supported', 'not_issued'] as const
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number]

/** A lease of access: approved access with a window, fulfilled by one credential on a target. */
export interface Grant {
  id: string
  requestId: string
  subjectId: string
  entitlementId: string
  targetId: string
  connectorKind: string
  /** Issued on the break-glass path (its request skipped review); copied from the request. */
  breakGlass: boolean
  state: GrantState
  /** Name the connector uses on the target, derived from the grant id (never user input). */
  targetName: string
  startsAt: Date
  /** When access must end: the revocation due time for expiry. */
  expiresAt: Date
  /** Serialisable handle returned by the connector, needed to revoke. */
  handle: Record<string, unknown> | null
  /** Encrypted credential awaiting its single retrieval by the subject; null once retrieved. */
  credentialCiphertext: string | null
  credentialRetrievedAt: Date | null
  issuedAt: Date | null
  issueAttempts: number
  revokeAttempts: number
  nextAttemptAt: Date | null
  lastError: string | null
  revokeReason: RevokeReason | null
  /** When revocation became due: expiry, or the moment an early revocation was asked for. */
  revokeDueAt: Date | null
  revokedAt: Date | null
  revocationLagMs: number | null
  verification: VerificationResult | null
  leaseOwner: string | null
  leaseUntil: Date | null
  createdAt: Date
  version: number
}

const ALLOWED: Record<GrantState, readonly GrantState[]> = {
  scheduled: ['issuing', 'revoking', 'revoked'],
  issuing: ['active', 'issue_failed', 'revoking', 'issuing'],
  issue_failed: ['issuing', 'revoking'],
  // Straight to `revoked` (no `revoking` claim) only where the revocation is a write in the same
  // transaction (the jwt revocation list, or a grant never issued): see execute-revocations.ts.
  active: ['revoking', 'revoked'],
  revoking: ['revoked', 'revoke_failed', 'irrevocable', 'revoking'],
  revoke_failed: ['revoking', 'revoked'],
  revoked: [],
  irrevocable: ['revoking', 'revoked'],
}

export function canTransitionGrant(from: GrantState, to: GrantState): boolean {
  return ALLOWED[from].includes(to)
}

/** States in which access may exist on the target and a revocation must eventually run. */
export function mayHoldAccess(state: GrantState): boolean {
  return state === 'issuing' || state === 'active' || state === 'issue_failed' || state === 'revoking' || state === 'revoke_failed' || state === 'irrevocable'
}

export function isTerminalGrantState(state: GrantState): boolean {
  return state === 'revoked'
}

/**
 * Exponential backoff with full jitter, capped. `random` is in [0, 1) and comes from the caller
 * so tests control it.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(ceiling / 2 + (ceiling / 2) * random)
}

/** Target-side name derived from the grant id: prefix + allow-listed characters only. */
export function targetNameFor(grantId: string): string {
  const safe = grantId.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  return `hg_${safe}`.slice(0, 63)
}
