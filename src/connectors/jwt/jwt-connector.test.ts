import { decodeJwt, importJWK, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import { ConnectorError, type ConnectorStateStore, type GrantSpec } from '../connector.js'
import { jwtConfigSchema } from './config.js'
import { createJwtConnector, jtiForGrant } from './jwt-connector.js'

const START = new Date('2031-03-04T05:06:07.000Z')
const options = () => ({ signal: new AbortController().signal })

function setup(state: ConnectorStateStore = new MemoryConnectorState()) {
  let now = START
  const config = jwtConfigSchema.parse({ issuer: 'https://hg.test', audience: 'https://api.test' })
  const instance = createJwtConnector(config, { now: () => now, newId: (p) => `${p}_1`, state })
  const spec = (grantId = 'grt_1', overrides: Partial<GrantSpec> = {}): GrantSpec => ({
    grantId,
    targetName: `hg_${grantId}`,
    subjectId: 'idn_alice',
    entitlementId: 'orders-read',
    params: { scopes: ['orders:read'] },
    startsAt: now,
    expiresAt: new Date(now.getTime() + 3 * 3600_000),
    ...overrides,
  })
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms)
  }
  return { instance, spec, advance }
}

async function failure(operation: Promise<unknown>): Promise<ConnectorError> {
  const error: unknown = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConnectorError)
  return error as ConnectorError
}

describe('jwt connector', () => {
  it('agrees on one signing key when two processes start on empty state at once', async () => {
    const state = new MemoryConnectorState()
    const [a, b] = [setup(state), setup(state)]
    const [jwksA, jwksB] = await Promise.all([a.instance.jwks(), b.instance.jwks()])
    expect(jwksA).toEqual(jwksB)
    const issued = await a.instance.issue(a.spec(), options())
    expect((await b.instance.introspect(issued.credential.reveal())).active).toBe(true)
    await b.instance.revoke(issued.handle, options())
    expect(await a.instance.introspect(issued.credential.reveal())).toEqual({ active: false })
  })

  it('re-issues the same token identity for a retried grant, revoked together', async () => {
    const { instance, spec, advance } = setup()
    const first = await instance.issue(spec(), options())
    advance(60_000)
    const retry = await instance.issue(spec(), options())
    expect(retry.handle.jti).toBe(first.handle.jti)
    expect(retry.handle.jti).toBe(jtiForGrant('grt_1'))
    expect(retry.credential.reveal()).not.toBe(first.credential.reveal())
    await instance.revoke(first.handle, options())
    expect((await instance.introspect(retry.credential.reveal())).active).toBe(false)
  })

  it('refuses to mint a token that is revoked, past its grant, or would lapse before it starts', async () => {
    const { instance, spec } = setup()
    await instance.revoke({ grantId: 'grt_1' }, options())
    expect((await failure(instance.issue(spec(), options()))).reason).toBe('conflict')
    const ended = spec('grt_2', { expiresAt: new Date(START.getTime() - 1) })
    const error = await failure(instance.issue(ended, options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    const farOff = new Date(START.getTime() + 2 * 3600_000)
    const early = spec('grt_3', {
      startsAt: farOff,
      expiresAt: new Date(farOff.getTime() + 60_000),
    })
    expect(await failure(instance.issue(early, options()))).toMatchObject({ retryable: true })
  })

  it('refuses params that escaped catalog validation', async () => {
    const { instance, spec } = setup()
    const error = await failure(
      instance.issue(spec('grt_1', { params: { scopes: ['x'], sub: 'root' } }), options()),
    )
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
  })

  it('treats revoking unknown or expired tokens as success and inspects them as gone', async () => {
    const { instance } = setup()
    const unknown = { jti: jtiForGrant('grt_never'), exp: START.getTime() / 1000 + 60, kid: 'k' }
    expect(await instance.inspect(unknown, options())).toBe('live')
    await instance.revoke(unknown, options())
    await instance.revoke(unknown, options())
    expect(await instance.inspect(unknown, options())).toBe('gone')
    const expired = { jti: jtiForGrant('grt_old'), exp: START.getTime() / 1000 - 1, kid: 'k' }
    expect(await instance.inspect(expired, options())).toBe('gone')
    await instance.revoke(expired, options())
  })

  it.each([{}, { jti: '../signing-key', exp: 1, kid: 'k' }, { jti: 'a', exp: 'soon', kid: 'k' }])(
    'refuses the malformed handle %j',
    async (handle) => {
      const { instance } = setup()
      expect((await failure(instance.revoke(handle, options()))).reason).toBe('rejected')
    },
  )

  it('rejects a token relabelled with another grant, even when signed with our key', async () => {
    const state = new MemoryConnectorState()
    const { instance, spec } = setup(state)
    const issued = await instance.issue(spec(), options())
    await instance.revoke(issued.handle, options())
    const stored = JSON.parse((await state.get('signing-key')) ?? '') as Record<string, string>
    const relabelled = await new SignJWT({
      ...decodeJwt(issued.credential.reveal()),
      hg_grant: 'grt_9',
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: String(issued.handle.kid), typ: 'at+jwt' })
      .sign(await importJWK(stored, 'EdDSA'))
    expect(await instance.introspect(relabelled)).toEqual({ active: false })
  })

  it('answers inactive to oversized or empty tokens without parsing them', async () => {
    const { instance } = setup()
    expect(await instance.introspect('')).toEqual({ active: false })
    expect(await instance.introspect('a'.repeat(9000))).toEqual({ active: false })
    expect(await instance.introspect('not.a.jwt')).toEqual({ active: false })
  })

  it('reports a state outage as retryable and introspects fail-closed', async () => {
    const healthy = new MemoryConnectorState()
    const { instance: good, spec } = setup(healthy)
    const token = (await good.issue(spec(), options())).credential.reveal()
    let down = false
    const flaky: ConnectorStateStore = {
      get: (k) => (down ? Promise.reject(new Error('ECONNRESET')) : healthy.get(k)),
      put: (k, v) => (down ? Promise.reject(new Error('ECONNRESET')) : healthy.put(k, v)),
      putIfAbsent: (k, v) =>
        down ? Promise.reject(new Error('ECONNRESET')) : healthy.putIfAbsent(k, v),
    }
    const { instance } = setup(flaky)
    expect((await instance.introspect(token)).active).toBe(true)
    down = true
    expect(await instance.introspect(token)).toEqual({ active: false })
    const error = await failure(instance.revoke({ grantId: 'grt_1' }, options()))
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
  })

  it('refuses a malformed stored key without quoting it', async () => {
    const state = new MemoryConnectorState()
    await state.put('signing-key', '{"kty":"OKP","crv":"Ed25519","x":"AAAA","d":"topsecretd')
    const { instance, spec } = setup(state)
    const error = await failure(instance.issue(spec(), options()))
    expect(error).toMatchObject({ reason: 'conflict', retryable: false })
    expect(error.cause).toBeUndefined()
    expect(error.message).not.toContain('topsecretd')
  })
})
