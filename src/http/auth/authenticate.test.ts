import { randomBytes } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { AppError } from '../../domain/errors.js'
import type { Identity } from '../../domain/identity.js'
import type { ApiToken } from '../../storage/store.js'
import { generateApiToken } from './api-token.js'
import { authenticateBearer, MAX_BEARER_TOKEN_LENGTH } from './authenticate.js'
import type { AuthenticateDeps } from './authenticate.js'
import type { OidcVerifier } from './oidc-verifier.js'

const NOW = new Date('2030-01-01T12:00:00Z')

function anIdentity(overrides: Partial<Identity> = {}): Identity {
  return {
    id: 'alice',
    kind: 'human',
    displayName: 'Alice',
    email: 'alice@example.com',
    status: 'active',
    groups: [],
    ownerId: null,
    purpose: null,
    oidcIssuer: null,
    oidcSubject: null,
    createdAt: NOW,
    updatedAt: NOW,
    version: 1,
    ...overrides,
  }
}

/** The two repository slices authenticateBearer needs, over plain arrays. */
function setup(options: { identities?: Identity[]; token?: Partial<ApiToken> } = {}) {
  const identities = options.identities ?? [anIdentity()]
  const generated = generateApiToken((size) => randomBytes(size))
  const record: ApiToken = {
    id: 'tok_1',
    identityId: 'alice',
    name: 'ci',
    tokenHash: generated.tokenHash,
    createdAt: NOW,
    expiresAt: null,
    revokedAt: null,
    ...options.token,
  }
  const oidcCalls: string[] = []
  const deps: AuthenticateDeps = {
    tokens: {
      getByHashWithIdentity: (hash) =>
        Promise.resolve(
          hash === record.tokenHash
            ? { token: record, identity: identities.find((i) => i.id === record.identityId) ?? null }
            : null,
        ),
    },
    identities: { getByOidc: () => Promise.resolve(null) },
    now: () => NOW,
  }
  const recordingVerifier: OidcVerifier = {
    verify: (token) => {
      oidcCalls.push(token)
      return Promise.reject(new AppError('auth.invalid_token', 'not checked in this test'))
    },
  }
  return { deps, token: generated.token.reveal(), oidcCalls, recordingVerifier }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected authentication to fail')
}

describe('authenticateBearer: the header', () => {
  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['scheme only', 'Bearer'],
    ['scheme and spaces', 'Bearer    '],
  ])('%s → auth.missing', async (_name, header) => {
    const { deps } = setup()
    expect((await failure(authenticateBearer(header, deps))).code).toBe('auth.missing')
  })

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts the %s scheme', async (scheme) => {
    const { deps, token } = setup()
    const result = await authenticateBearer(`${scheme} ${token}`, deps)
    expect(result.identity.id).toBe('alice')
  })

  it('refuses tokens longer than 8 KiB before any lookup', async () => {
    const { deps, oidcCalls, recordingVerifier } = setup()
    const header = `Bearer ${'a'.repeat(MAX_BEARER_TOKEN_LENGTH + 1)}`
    const error = await failure(authenticateBearer(header, { ...deps, oidc: recordingVerifier }))
    expect([error.code, error.details?.reason]).toEqual(['auth.invalid_token', 'too_large'])
    expect(oidcCalls).toEqual([])
  })

  it('lets a token of exactly 8 KiB through to the verifier', async () => {
    const { deps, oidcCalls, recordingVerifier } = setup()
    const token = 'a'.repeat(MAX_BEARER_TOKEN_LENGTH)
    await failure(authenticateBearer(`Bearer ${token}`, { ...deps, oidc: recordingVerifier }))
    expect(oidcCalls).toEqual([token])
  })

  it('refuses characters outside the RFC 6750 token alphabet', async () => {
    const { deps, token } = setup()
    const error = await failure(authenticateBearer(`Bearer ${token} extra`, deps))
    expect([error.code, error.details?.reason]).toEqual(['auth.invalid_token', 'malformed'])
  })
})

describe('authenticateBearer: API tokens', () => {
  it('resolves a stored token to its active identity', async () => {
    const { deps, token } = setup()
    const result = await authenticateBearer(`Bearer ${token}`, deps)
    expect(result).toEqual({ identity: anIdentity(), method: 'api_token', tokenId: 'tok_1' })
  })

  it.each([
    ['unknown', {}, 'flip'],
    ['revoked', { revokedAt: new Date('2029-12-31T00:00:00Z') }, 'same'],
    ['expired', { expiresAt: NOW }, 'same'],
  ] as const)('refuses a %s token', async (reason, token, use) => {
    const fixture = setup({ token })
    const presented = use === 'flip' ? flipLastChar(fixture.token) : fixture.token
    const error = await failure(authenticateBearer(`Bearer ${presented}`, fixture.deps))
    expect([error.code, error.details?.reason]).toEqual(['auth.invalid_token', reason])
  })

  it('accepts a token one millisecond before it expires', async () => {
    const { deps, token } = setup({ token: { expiresAt: new Date(NOW.getTime() + 1) } })
    expect((await authenticateBearer(`Bearer ${token}`, deps)).tokenId).toBe('tok_1')
  })

  it('treats a token whose identity is gone as unknown', async () => {
    const { deps, token } = setup({ identities: [] })
    const error = await failure(authenticateBearer(`Bearer ${token}`, deps))
    expect([error.code, error.details?.reason]).toEqual(['auth.invalid_token', 'unknown'])
  })

  it.each(['suspended', 'offboarded'] as const)('refuses a %s identity', async (status) => {
    const { deps, token } = setup({ identities: [anIdentity({ status })] })
    expect((await failure(authenticateBearer(`Bearer ${token}`, deps))).code).toBe(
      'identity.inactive',
    )
  })

  it('never forwards an hgt_ token to the identity provider, even when malformed', async () => {
    const { deps, token, oidcCalls, recordingVerifier } = setup()
    const error = await failure(
      authenticateBearer(`Bearer ${token}x`, { ...deps, oidc: recordingVerifier }),
    )
    expect([error.code, error.details?.reason]).toEqual(['auth.invalid_token', 'malformed'])
    expect(oidcCalls).toEqual([])
  })

  it('refuses other tokens when no OIDC verifier is configured', async () => {
    const { deps } = setup()
    const error = await failure(authenticateBearer('Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln', deps))
    expect(error.code).toBe('auth.invalid_token')
  })

  it('keeps the token out of every error it raises', async () => {
    const fixture = setup({ token: { revokedAt: NOW } })
    const error = await failure(authenticateBearer(`Bearer ${fixture.token}`, fixture.deps))
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(
      fixture.token.slice(4),
    )
  })
})

function flipLastChar(token: string): string {
  return token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
}
