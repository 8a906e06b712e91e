import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import {
  base64url,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Secret } from '../../../src/config/secret.js'
import type { GrantSpec } from '../../../src/connectors/connector.js'
import type { JwtConnectorInstance } from '../../../src/connectors/jwt/index.js'
import { createConnector } from '../../../src/connectors/registry.js'
import { describeConnectorContract, type Access } from '../../contracts/connector.contract.js'
import { MemoryConnectorState } from '../../support/memory-connector-state.js'

const ISSUER = 'https://hourglass.test/targets/api'
const AUDIENCE = 'https://orders.test'
const START = new Date('2031-03-04T05:06:07.000Z')
const MINUTE = 60_000
const options = () => ({ signal: AbortSignal.timeout(5000) })

/** A jwt target plus a resource server that checks tokens against the JWKS served over HTTP. */
async function startJwtTarget(config: Record<string, unknown> = {}) {
  let now = START
  let grants = 0
  const state = new MemoryConnectorState()
  const instance = createConnector(
    'jwt',
    { issuer: ISSUER, audience: AUDIENCE, ...config },
    { now: () => now, newId: (prefix) => `${prefix}_${++grants}`, state },
  )
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end()
      return
    }
    instance.jwks().then(
      (jwks) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)),
      () => res.writeHead(500).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const remoteJwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`))

  /** What a resource server for AUDIENCE does: verify against the JWKS, then introspect. */
  const use = async (credential: Secret): Promise<Access> => {
    const token = credential.reveal()
    const verified = await jwtVerify(token, remoteJwks, {
      algorithms: ['EdDSA'],
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: 'at+jwt',
      currentDate: now,
    }).then(
      () => true,
      () => false,
    )
    if (!verified) return 'denied'
    return (await instance.introspect(token)).active ? 'allowed' : 'denied'
  }
  const spec = (overrides: Partial<GrantSpec> = {}): GrantSpec => {
    const grantId = `grt_${++grants}`
    return {
      grantId,
      targetName: `hg_${grantId}`,
      subjectId: 'idn_alice',
      entitlementId: 'orders-read',
      params: { scopes: ['orders:read'] },
      startsAt: now,
      expiresAt: new Date(now.getTime() + 30 * MINUTE),
      ...overrides,
    }
  }
  const privateJwk = (): Record<string, string> => {
    const stored = state.entries().find(([key]) => key === 'signing-key')
    return JSON.parse(stored?.[1] ?? '{}') as Record<string, string>
  }
  return {
    instance,
    state,
    use,
    spec,
    privateJwk,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms)
    },
    now: () => now,
    teardown: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve()
        }),
      )
      await instance.close()
    },
  }
}

describeConnectorContract('jwt', async () => {
  const target = await startJwtTarget()
  return { ...target, spec: () => target.spec() }
})

describe('jwt connector against a resource server', () => {
  let t: Awaited<ReturnType<typeof startJwtTarget>>
  let instance: JwtConnectorInstance
  let token: string
  let claims: JWTPayload
  let kid: string

  beforeEach(async () => {
    t = await startJwtTarget()
    instance = t.instance
    const issued = await instance.issue(t.spec(), options())
    token = issued.credential.reveal()
    claims = decodeJwt(token)
    kid = String(issued.handle.kid)
  })
  afterEach(async () => {
    await t.teardown()
  })

  const rejected = async (forged: string) => {
    expect(await instance.introspect(forged)).toEqual({ active: false })
    expect(await t.use(new Secret(forged))).toBe('denied')
  }

  it('answers introspection for a live token with exactly the RFC 7662 fields', async () => {
    expect(await instance.introspect(token)).toEqual({
      active: true,
      sub: 'idn_alice',
      scope: 'orders:read',
      aud: AUDIENCE,
      iss: ISSUER,
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      jti: claims.jti,
      token_type: 'Bearer',
      hg_grant: claims.hg_grant,
    })
  })

  it('rejects an alg none token carrying the same claims', async () => {
    await rejected(new UnsecuredJWT(claims).encode())
  })

  it('rejects HS256 tokens keyed with the public key', async () => {
    const publicJwk = (await instance.jwks()).keys[0]!
    for (const secret of [
      base64url.decode(publicJwk.x),
      new TextEncoder().encode(JSON.stringify(publicJwk)),
    ]) {
      await rejected(await signLike(claims, kid, secret, 'HS256'))
    }
  })

  it('rejects tokens signed by another Ed25519 key under our kid, or by an RSA key', async () => {
    const { privateKey: ed } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    await rejected(await signLike(claims, kid, ed))
    const { privateKey: rsa } = await generateKeyPair('RS256')
    await rejected(await signLike(claims, kid, rsa, 'RS256'))
  })

  it('rejects a token whose payload was edited after signing', async () => {
    const [header, , signature] = token.split('.')
    const payload = base64url.encode(JSON.stringify({ ...claims, scope: 'orders:write admin' }))
    await rejected(`${header}.${payload}.${signature}`)
  })

  it('rejects an audience this connector never issued, even under its own key', async () => {
    const ourKey = await importJWK(t.privateJwk(), 'EdDSA')
    await rejected(await signLike({ ...claims, aud: 'https://evil.test' }, kid, ourKey))
  })

  it('keeps a token for another audience away from this resource server', async () => {
    const billing = await instance.issue(
      t.spec({ params: { scopes: ['billing:read'], audience: 'https://billing.test' } }),
      options(),
    )
    expect(await instance.introspect(billing.credential.reveal())).toMatchObject({
      active: true,
      aud: 'https://billing.test',
    })
    expect(await t.use(billing.credential)).toBe('denied')
  })

  it('goes inactive at exp: expiry is tested by moving the clock', async () => {
    t.advance(30 * MINUTE - 1000)
    expect((await instance.introspect(token)).active).toBe(true)
    t.advance(1000)
    await rejected(token)
    expect(await instance.inspect({ jti: claims.jti, exp: claims.exp, kid }, options())).toBe(
      'gone',
    )
  })

  it('is not valid before the grant starts', async () => {
    const later = await instance.issue(
      t.spec({ startsAt: new Date(t.now().getTime() + 10 * MINUTE) }),
      options(),
    )
    expect(await instance.introspect(later.credential.reveal())).toEqual({ active: false })
    t.advance(10 * MINUTE)
    expect(await t.use(later.credential)).toBe('allowed')
  })

  it('never lets exp pass the grant end, whatever maxTtlSeconds allows', async () => {
    const long = await startJwtTarget({ maxTtlSeconds: 86_400 })
    try {
      const end = new Date(long.now().getTime() + 10 * MINUTE + 999)
      const issued = await long.instance.issue(long.spec({ expiresAt: end }), options())
      expect(decodeJwt(issued.credential.reveal()).exp).toBe(Math.floor(end.getTime() / 1000))
      expect(issued.expiresAt.getTime()).toBeLessThanOrEqual(end.getTime())
    } finally {
      await long.teardown()
    }
  })

  it('caps exp at maxTtlSeconds for a long grant', async () => {
    const short = await startJwtTarget({ maxTtlSeconds: 300 })
    try {
      const issued = await short.instance.issue(short.spec(), options())
      expect(decodeJwt(issued.credential.reveal()).exp).toBe(START.getTime() / 1000 + 300)
    } finally {
      await short.teardown()
    }
  })

  it('puts nothing in the token that did not come from the grant, params or target config', () => {
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid, typ: 'at+jwt' })
    expect(claims).toEqual({
      iss: ISSUER,
      sub: 'idn_alice',
      aud: AUDIENCE,
      scope: 'orders:read',
      jti: claims.jti,
      iat: START.getTime() / 1000,
      nbf: START.getTime() / 1000,
      exp: START.getTime() / 1000 + 30 * 60,
      hg_grant: 'grt_1',
      hg_entitlement: 'orders-read',
    })
  })

  it('never shows the private key in jwks or in any error', async () => {
    const d = t.privateJwk().d!
    expect(d.length).toBeGreaterThan(20)
    const jwks = await instance.jwks()
    expect(Object.keys(jwks.keys[0]!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x'])
    expect(JSON.stringify(jwks)).not.toContain(d)

    // A truncated key makes JSON.parse quote it; the error must not.
    const broken = new MemoryConnectorState()
    await broken.put('signing-key', JSON.stringify(t.privateJwk()).slice(0, -5))
    const failing = createConnector(
      'jwt',
      { issuer: ISSUER, audience: AUDIENCE },
      {
        now: t.now,
        newId: (p) => `${p}_x`,
        state: broken,
      },
    )
    const errors = await Promise.all([
      failing.issue(t.spec(), options()).catch((e: unknown) => e),
      failing.jwks().catch((e: unknown) => e),
      instance.issue(t.spec({ params: { scopes: [d] } }), options()).catch((e: unknown) => e),
      instance.revoke({ jti: d }, options()).catch((e: unknown) => e),
    ])
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error)
      expect(inspect(error, { showHidden: true, depth: null })).not.toContain(d)
    }
  })
})

function signLike(
  payload: JWTPayload,
  kid: string,
  key: CryptoKey | Uint8Array,
  alg = 'EdDSA',
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'at+jwt' }).sign(key)
}
