import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOidcIssuer } from '../../support/oidc-issuer.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

type Issuer = Awaited<ReturnType<typeof startOidcIssuer>>
let issuer: Issuer
let world: TestWorld

beforeAll(async () => {
  issuer = await startOidcIssuer()
  world = await startTestWorld({ config: { oidc: { issuer: issuer.issuer, audience: issuer.audience } } })
  const store = world.runtime.deps.store
  const alice = (await store.identities.get('alice'))!
  await store.identities.update({ ...alice, oidcIssuer: issuer.issuer, oidcSubject: 'alice', version: alice.version + 1 }, alice.version)
})
afterAll(async () => {
  await world.close()
  await issuer.stop()
})

async function call(path: string, token: string, init: RequestInit = {}) {
  const res = await world.runtime.app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
  return { status: res.status, body: (await res.json()) as any }  
}

describe('people sign in with their OIDC provider', () => {
  it('a token from the real issuer acts as the linked identity, end to end', async () => {
    const token = await issuer.getAccessToken('alice')
    expect((await call('/v1/me', token)).body).toMatchObject({ id: 'alice', kind: 'human' })
    const r = await call('/v1/requests', token, { method: 'POST', body: JSON.stringify({ entitlementId: 'orders-write', justification: 'Fix stuck order 42 via OIDC' }) })
    expect(r.body.request).toMatchObject({ requesterId: 'alice', state: 'pending' })
  })

  it('refuses a token for another audience and an unlinked account', async () => {
    const wrongAud = await issuer.getAccessToken('alice', { resource: issuer.otherAudience })
    expect((await call('/v1/me', wrongAud)).body.error.code).toBe('auth.invalid_token')
    const bob = await issuer.getAccessToken('bob')
    expect((await call('/v1/me', bob)).body.error.code).toBe('auth.forbidden')
  })
})
