import { sign, type KeyObject } from 'node:crypto'

/**
 * An EdDSA JWT in compact form, signed in this thread with node:crypto's one-shot Ed25519 sign.
 * What jose's SignJWT produces for the same header and claims (the JSON in the order given,
 * Ed25519 signatures being deterministic): byte for byte, which compact-jwt.test.ts holds it to.
 * jose signs through WebCrypto, a promise and a thread-pool job per token, which cost about
 * three times the signature itself on every issuance.
 */
export function signCompactJwt(
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
  privateKey: KeyObject,
): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url')
}
