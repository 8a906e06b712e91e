import { AppError } from '../../domain/errors.js'
import { isActive } from '../../domain/identity.js'
import type { Identity } from '../../domain/identity.js'
import type { IdentityRepository, TokenRepository } from '../../storage/store.js'
import { API_TOKEN_PREFIX, hashApiToken, looksLikeApiToken } from './api-token.js'
import type { OidcVerifier } from './oidc-verifier.js'

/** Larger than any sane JWT; bounds the work an anonymous caller can make us do. */
export const MAX_BEARER_TOKEN_LENGTH = 8 * 1024

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

export interface AuthenticateDeps {
  tokens: Pick<TokenRepository, 'getByHashWithIdentity'>
  identities: Pick<IdentityRepository, 'getByOidc'>
  /** Without a verifier only API tokens are accepted. */
  oidc?: OidcVerifier | undefined
  now(): Date
}

export interface Authentication {
  identity: Identity
  method: 'api_token' | 'oidc'
  /** Set for API tokens, so audit events can name the token that acted. */
  tokenId?: string
}

/**
 * Resolves an `Authorization` header to an active identity, or throws `auth.missing`,
 * `auth.invalid_token`, `auth.forbidden` or `identity.inactive`. Messages never contain the token.
 *
 * @example
 * const { identity, method } = await authenticateBearer(c.req.header('authorization'), deps)
 */
export async function authenticateBearer(
  header: string | undefined,
  deps: AuthenticateDeps,
): Promise<Authentication> {
  const token = parseBearer(header)
  // Anything with our prefix is ours; never forward it to the identity provider.
  if (token.startsWith(API_TOKEN_PREFIX)) return authenticateApiToken(token, deps)
  if (deps.oidc === undefined) {
    throw invalidToken('malformed', 'bearer token is not an Hourglass API token')
  }
  const { issuer, subject } = await deps.oidc.verify(token)
  const identity = await deps.identities.getByOidc(issuer, subject)
  if (identity === null) {
    throw new AppError('auth.forbidden', 'no Hourglass identity is linked to this account')
  }
  return { identity: requireActive(identity), method: 'oidc' }
}

function parseBearer(header: string | undefined): string {
  const value = header?.trim() ?? ''
  if (value === '') throw new AppError('auth.missing', 'an Authorization header is required')
  const space = value.search(/\s/)
  const scheme = space === -1 ? value : value.slice(0, space)
  if (scheme.toLowerCase() !== 'bearer') {
    throw new AppError('auth.missing', 'the Authorization header must use the Bearer scheme')
  }
  const token = space === -1 ? '' : value.slice(space).trim()
  if (token === '') throw new AppError('auth.missing', 'the Bearer token is empty')
  if (token.length > MAX_BEARER_TOKEN_LENGTH) {
    throw invalidToken('too_large', `bearer token exceeds ${MAX_BEARER_TOKEN_LENGTH} characters`)
  }
  if (!B64TOKEN.test(token)) throw invalidToken('malformed', 'bearer token has invalid characters')
  return token
}

async function authenticateApiToken(
  token: string,
  deps: AuthenticateDeps,
): Promise<Authentication> {
  if (!looksLikeApiToken(token)) throw invalidToken('malformed', 'API token is malformed')
  // Looked up by hash: the database never compares secrets, so timing reveals nothing useful.
  // With its identity in the same read: one round trip on every call where the engine pays them.
  const found = await deps.tokens.getByHashWithIdentity(hashApiToken(token))
  if (found === null) throw invalidToken('unknown', 'API token is not recognised')
  const { token: record, identity } = found
  if (record.revokedAt !== null) throw invalidToken('revoked', 'API token has been revoked')
  if (record.expiresAt !== null && record.expiresAt.getTime() <= deps.now().getTime()) {
    throw invalidToken('expired', 'API token has expired')
  }
  // A token whose owner was deleted is as good as unknown.
  if (identity === null) throw invalidToken('unknown', 'API token is not recognised')
  return { identity: requireActive(identity), method: 'api_token', tokenId: record.id }
}

function requireActive(identity: Identity): Identity {
  if (!isActive(identity)) {
    throw new AppError('identity.inactive', `identity is ${identity.status}`, {
      details: { identityId: identity.id, status: identity.status },
    })
  }
  return identity
}

/** Goes into `details.reason`; the OIDC verifier adds its own reasons (see OidcRejection). */
export type BearerRejection = 'malformed' | 'too_large' | 'unknown' | 'revoked' | 'expired'

function invalidToken(reason: BearerRejection, message: string): AppError {
  return new AppError('auth.invalid_token', message, { details: { reason } })
}
