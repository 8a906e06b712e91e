import type { ConnectorStateStore } from '../connector.js'

/** A token as revocation sees it: its id, and its expiry in seconds (null before it was issued). */
export interface TokenRef {
  jti: string
  exp: number | null
}

/*
 * Where a jwt revocation is recorded, so that introspection answers `active: false`.
 *
 * A token revoked inside its lifetime (early revocation, a token never issued) gets a record of
 * its own, keyed by its jti. A token whose `exp` has passed by our clock when it is revoked (the
 * usual case: a grant revoked at its expiry) is already refused by its own `exp` wherever the
 * clock agrees with ours; what a record adds is that introspection on a node whose clock runs
 * behind refuses it too. One record per expiry second says that for every token of that second
 * at once: every such token has expired by definition, whatever its grant's state, so the record
 * is true of all of them. A revocation window of 10,000 tokens a second then writes a record or
 * two per batch instead of one per token.
 */

export function tokenRecordKey(jti: string): string {
  return `revoked:${jti}`
}

export function expiryRecordKey(exp: number): string {
  return `expired:${String(exp)}`
}

/** The record that revokes this token, judged at `nowSeconds`. */
export function revocationRecordKey(ref: TokenRef, nowSeconds: number): string {
  return ref.exp !== null && ref.exp <= nowSeconds ? expiryRecordKey(ref.exp) : tokenRecordKey(ref.jti)
}

/**
 * When a record stops mattering: the token's exp, after which the token refuses itself wherever
 * a clock agrees (an expiry record's key names that very second). A token never issued has none:
 * its record also stops a late issuance of it (jwt-connector.ts), so it is kept for good.
 */
export function recordExp(ref: TokenRef): number | null {
  return ref.exp
}

/** Whether either record refuses this issued token: one read where the store reads in batches. */
export async function isRecordedRevoked(
  state: ConnectorStateStore,
  jti: string,
  exp: number,
): Promise<boolean> {
  const keys = [tokenRecordKey(jti), expiryRecordKey(exp)]
  if (state.hasMany) return (await state.hasMany(keys)).size > 0
  if (state.getMany) return (await state.getMany(keys)).size > 0
  for (const key of keys) if ((await state.get(key)) !== null) return true
  return false
}
