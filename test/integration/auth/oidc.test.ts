import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { AppError } from '../../../src/domain/errors.js'
import type { Identity } from '../../../src/domain/identity.js'
import { authenticateBearer } from '../../../src/http/auth/authenticate.js'
import type { AuthenticateDeps } from '../../../src/http/auth/authenticate.js'
import { createOidcVerifier } from '../../../src/http/auth/oidc-verifier.js'
import type { OidcVerifier } from '../../../src/http/auth/oidc-verifier.js'
import { startOidcIssuer } from '../../support/oidc-issuer.js'
import type { OidcIssuer } from '../../support/oidc-issuer.js'

let idp: OidcIssuer
/** Same signing key as `idp`, different issuer URL: only the `iss` pin can tell them apart. */
let lookalike: OidcIssuer
/** Its own keys and its own URL. */
let stranger: OidcIssuer
let verifier: OidcVerifier
let aliceToken: string

beforeAll(async () => {
  idp = await startOidcIssuer()
  ;[lookalike, stranger] = await Promise.all([
    startOidcIssuer({ signingKey: idp.signingKey }),
    startOidcIssuer(),
  ])
  verifier = createOidcVerifier({
    issuer: idp.issuer,
    audience: idp.audience,
    clockToleranceSeconds: 0,
  })
  aliceToken = await idp.getAccessToken('alice')
})

afterAll(async () => {
  await Promise.all([idp.stop(), lookalike.stop(), stranger.stop()])
})

function anIdentity(id: string, overrides: Partial<Identity> = {}): Identity {
  const at = new Date('2030-01-01T00:00:00Z')
  return {
    ...{ id, kind: 'human', displayName: id, email: null, status: 'active', groups: [] },
    ...{ ownerId: null, purpose: null, oidcIssuer: idp.issuer, oidcSubject: id },
    ...{ createdAt: at, updatedAt: at, version: 1 },
    ...overrides,
  }
}

function depsWith(identities: Identity[]): AuthenticateDeps {
  return {
    tokens: { getByHashWithIdentity: () => Promise.resolve(null) },
    identities: {
      getByOidc: (iss, sub) =>
        Promise.resolve(
          identities.find((i) => i.oidcIssuer === iss && i.oidcSubject === sub) ?? null,
        ),
    },
    oidc: verifier,
    now: () => new Date(),
  }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected verification to fail')
}

async function rejectionOf(token: string, using: OidcVerifier = verifier) {
  const error = await failure(using.verify(token))
  expect(error.code).toBe('auth.invalid_token')
  expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain(token)
  return error.details
}

describe('OIDC bearer tokens from a real provider', () => {
  it('verifies a token and maps (iss, sub) to the linked identity', async () => {
    const verified = await verifier.verify(aliceToken)
    expect([verified.issuer, verified.subject]).toEqual([idp.issuer, 'alice'])
    expect(verified.claims.aud).toBe(idp.audience)

    const deps = depsWith([anIdentity('alice'), anIdentity('bob')])
    const result = await authenticateBearer(`bEaReR ${aliceToken}`, deps)
    expect([result.identity.id, result.method, result.tokenId]).toEqual([
      'alice',
      'oidc',
      undefined,
    ])
  })

  it('works with an explicit jwksUri instead of discovery', async () => {
    const explicit = createOidcVerifier({
      issuer: idp.issuer,
      audience: idp.audience,
      jwksUri: `${idp.issuer}/jwks`,
    })
    expect((await explicit.verify(aliceToken)).subject).toBe('alice')
  })

  it('discovers keys lazily, retries after an outage and then keeps them cached', async () => {
    const standby = await startOidcIssuer()
    try {
      const token = await standby.getAccessToken('alice')
      const lazy = createOidcVerifier({ issuer: standby.issuer, audience: standby.audience })
      standby.setReachable(false)
      expect(await rejectionOf(token, lazy)).toEqual({ reason: 'issuer_unreachable' })
      standby.setReachable(true)
      expect((await lazy.verify(token)).subject).toBe('alice')
      standby.setReachable(false)
      expect((await lazy.verify(token)).subject).toBe('alice')
    } finally {
      standby.setReachable(true)
      await standby.stop()
    }
  })

  it('signs in only known accounts on the test issuer', async () => {
    await expect(idp.getAccessToken('mallory')).rejects.toThrow(/HTTP 401/)
  })

  it('refuses a genuine token issued for another resource', async () => {
    const token = await idp.getAccessToken('alice', { resource: idp.otherAudience })
    expect(decodeJwt(token).aud).toBe(idp.otherAudience)
    expect(await rejectionOf(token)).toEqual({ reason: 'claim_invalid', claim: 'aud' })
  })

  it('refuses a token from another issuer even when it holds the same signing key', async () => {
    const token = await lookalike.getAccessToken('alice')
    expect(decodeProtectedHeader(token).kid).toBe(idp.signingKey.kid)
    expect(await rejectionOf(token)).toEqual({ reason: 'claim_invalid', claim: 'iss' })
  })

  it('refuses a token from an unrelated issuer', async () => {
    const token = await stranger.getAccessToken('alice')
    expect(await rejectionOf(token)).toEqual({ reason: 'signature_invalid' })
  })

  it('refuses a token whose signature was altered', async () => {
    const [header, payload, signature = ''] = aliceToken.split('.')
    const middle = Math.floor(signature.length / 2)
    const flipped = signature[middle] === 'A' ? 'B' : 'A'
    const token = `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`
    expect(await rejectionOf(token)).toEqual({ reason: 'signature_invalid' })
  })

  it('refuses a token whose claims were altered under the original signature', async () => {
    const [header, payload = '', signature] = aliceToken.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'bob' })).toString('base64url')
    expect(await rejectionOf(`${header}.${forged}.${signature}`)).toEqual({
      reason: 'signature_invalid',
    })
  })

  it('refuses an expired token once the clock passes exp, and not a second before', async () => {
    const { exp = 0 } = decodeJwt(aliceToken)
    const at = (epochSeconds: number) =>
      createOidcVerifier({
        issuer: idp.issuer,
        audience: idp.audience,
        clockToleranceSeconds: 0,
        clock: { now: () => new Date(epochSeconds * 1000) },
      })
    expect((await at(exp - 1).verify(aliceToken)).subject).toBe('alice')
    expect(await rejectionOf(aliceToken, at(exp))).toEqual({ reason: 'expired' })
  })

  it('refuses an HS256 token carrying every right claim', async () => {
    const { kid } = decodeProtectedHeader(aliceToken)
    const token = await new SignJWT({ scope: 'api' })
      .setProtectedHeader({ alg: 'HS256', ...(kid === undefined ? {} : { kid }) })
      .setIssuer(idp.issuer)
      .setAudience(idp.audience)
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('any shared secret an attacker picks'))
    expect(await rejectionOf(token)).toEqual({ reason: 'algorithm_not_allowed' })
  })

  it('refuses an unsigned (alg none) token', async () => {
    const token = new UnsecuredJWT({ sub: 'alice' })
      .setIssuer(idp.issuer)
      .setAudience(idp.audience)
      .setExpirationTime('5m')
      .encode()
    expect(await rejectionOf(token)).toEqual({ reason: 'algorithm_not_allowed' })
  })

  it('refuses to be configured with a symmetric algorithm', () => {
    const options = { issuer: idp.issuer, audience: idp.audience, allowedAlgs: ['RS256', 'HS256'] }
    expect(() => createOidcVerifier(options)).toThrow(
      expect.objectContaining({ code: 'config.invalid' }),
    )
  })

  it('forbids a valid token whose subject has no Hourglass identity', async () => {
    const carol = await idp.getAccessToken('carol')
    const error = await failure(
      authenticateBearer(`Bearer ${carol}`, depsWith([anIdentity('alice')])),
    )
    expect([error.code, error.message]).toEqual([
      'auth.forbidden',
      'no Hourglass identity is linked to this account',
    ])
  })

  it('links by issuer and subject together, not by subject alone', async () => {
    const bob = await idp.getAccessToken('bob')
    const elsewhere = anIdentity('bob', { oidcIssuer: lookalike.issuer })
    const error = await failure(authenticateBearer(`Bearer ${bob}`, depsWith([elsewhere])))
    expect(error.code).toBe('auth.forbidden')
  })

  it('refuses a linked identity that is suspended', async () => {
    const deps = depsWith([anIdentity('alice', { status: 'suspended' })])
    const error = await failure(authenticateBearer(`Bearer ${aliceToken}`, deps))
    expect(error.code).toBe('identity.inactive')
  })

  it('reports an unreachable issuer as an invalid token with the cause kept for logs', async () => {
    const unused = createServer()
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve))
    const port = (unused.address() as AddressInfo).port
    await new Promise((resolve) => unused.close(resolve))

    const offline = createOidcVerifier({
      issuer: `http://127.0.0.1:${port}`,
      audience: idp.audience,
      timeoutMs: 2000,
    })
    const error = await failure(offline.verify(aliceToken))
    expect([error.code, error.details?.reason]).toEqual([
      'auth.invalid_token',
      'issuer_unreachable',
    ])
    expect(error.cause).toBeDefined()
    expect(error.message).not.toContain(aliceToken)
  })
})
