import { afterEach, describe, expect, it } from 'vitest'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'
import { ensureWebBuilt } from '../../support/web-world.js'

let world: TestWorld | null = null
afterEach(async () => {
  await world?.close()
  world = null
})

const ISSUER = 'https://login.example.com/tenant'

describe('GET /v1/auth/config: what the web UI needs before sign-in', () => {
  it('offers API tokens only, and a CSP with no extra origin, when SSO is not configured', async () => {
    await ensureWebBuilt()
    world = await startTestWorld()
    const r = await world.as(null).get('/v1/auth/config')
    expect(r).toEqual({ status: 200, body: { apiToken: true, oidc: null } })
    const page = await world.runtime.app.request('/')
    expect(page.headers.get('content-security-policy')).not.toContain('connect-src')
  })

  it('names the issuer, the public client, the scopes and the resource; CSP allows that origin only', async () => {
    await ensureWebBuilt()
    world = await startTestWorld({
      config: {
        oidc: { issuer: ISSUER, audience: 'https://hourglass.example.com/api', webClientId: 'hourglass-web' },
      },
    })
    const r = await world.as(null).get('/v1/auth/config')
    expect(r.body).toEqual({
      apiToken: true,
      oidc: {
        issuer: ISSUER,
        clientId: 'hourglass-web',
        scopes: 'openid',
        resource: 'https://hourglass.example.com/api',
      },
    })
    const page = await world.runtime.app.request('/mine')
    expect(page.headers.get('content-security-policy')).toMatch(
      /; connect-src 'self' https:\/\/login\.example\.com$/,
    )
  })
})
