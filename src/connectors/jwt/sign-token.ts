import { sign, type KeyObject } from 'node:crypto'

/**
 * A compact JWS of `header` and `claims`, signed with an Ed25519 key (EdDSA), synchronously:
 * the same bytes jose's SignJWT writes for the same header and claims in the same order
 * (Ed25519 signatures are deterministic; sign-token.test.ts compares them). jose signs through
 * WebCrypto, a job on libuv's thread pool that the caller awaits; an in-store issue does that
 * inside the request's write transaction, which on SQLite holds the one connection, and the
 * wait cost about a fifth of the requests a second under load (docs/benchmarks.md). Tokens are
 * still verified by jose.
 */
export function signEdDsaJwt(
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
  key: KeyObject,
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  return `${signingInput}.${sign(null, Buffer.from(signingInput), key).toString('base64url')}`
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url')
}
