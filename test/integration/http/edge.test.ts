import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { ROUTES } from '../../../src/http/app.js'
import { recordingLog, startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
let log: ReturnType<typeof recordingLog>
beforeEach(async () => {
  log = recordingLog()
  world = await startTestWorld({ log, config: { lifecycle: { revoke: { maxAttempts: 3, baseMs: 1000, capMs: 5000 }, irrevocableRetryMs: 60_000 } } })
})
afterEach(async () => {
  await world.close()
})

const WHY = 'Investigate order 1234 for a customer ticket'

async function counts() {
  const s = world.runtime.deps.store
  return {
    requests: (await s.requests.list({ limit: 10_000 })).length,
    events: (await s.audit.head()).seq,
  }
}

describe('hostile input is refused with a stable code and writes nothing', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a 100 KB justification', { entitlementId: 'orders-read', justification: 'x'.repeat(100_000) }, 'input.too_large'],
    ['a 3 KB justification', { entitlementId: 'orders-read', justification: 'x'.repeat(3000) }, 'input.invalid'],
    ['ANSI escapes', { entitlementId: 'orders-read', justification: 'looks fine \u001b[31mRED' }, 'input.invalid'],
    ['a NUL byte', { entitlementId: 'orders-read', justification: 'looks fine\u0000 really' }, 'input.invalid'],
    ['CR line injection', { entitlementId: 'orders-read', justification: 'fine\r\nAPPROVED by admin' }, 'input.invalid'],
    ['a bidi override', { entitlementId: 'orders-read', justification: 'fine \u202e reversed text' }, 'input.invalid'],
    ['duration -1', { entitlementId: 'orders-read', justification: WHY, duration: -1 }, 'input.invalid'],
    ['duration 1e12', { entitlementId: 'orders-read', justification: WHY, duration: 1e12 }, 'input.invalid'],
    ['duration P9999Y', { entitlementId: 'orders-read', justification: WHY, duration: 'P9999Y' }, 'input.invalid'],
    ['a duration over the catalog max', { entitlementId: 'orders-read', justification: WHY, duration: '9h' }, 'grant.window_exceeds_policy'],
    ['an unknown field', { entitlementId: 'orders-read', justification: WHY, approved: true }, 'input.invalid'],
    ['free text instead of a catalog id', { entitlementId: 'give me prod access', justification: WHY }, 'input.invalid'],
    ['an unknown entitlement', { entitlementId: 'nope', justification: WHY }, 'catalog.not_found'],
    ['a ticket with a newline', { entitlementId: 'orders-read', justification: WHY, ticketRef: 'OPS-1\nX' }, 'input.invalid'],
    ['deeply nested JSON', JSON.parse('{"entitlementId":"orders-read","justification":"' + WHY + '","x":' + '['.repeat(500) + ']'.repeat(500) + '}'), 'input.invalid'],
  ]
  it.each(cases)('%s', async (_name, body, code) => {
    const before = await counts()
    const res = await world.as('alice').post('/v1/requests', body)
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(res.body.error.code).toBe(code)
    expect(typeof res.body.error.requestId).toBe('string')
    expect(await counts()).toEqual(before)
  })

  it('refuses a body that is not JSON', async () => {
    const res = await world.as('alice').post('/v1/requests', '{"entitlementId":')
    expect(res.body.error.code).toBe('input.invalid')
  })
})

describe('authentication and authorization on every route', () => {
  it('needs a token, refuses a wrong one, and keeps admin routes for admins', async () => {
    expect((await world.as(null).get('/v1/catalog')).body.error.code).toBe('auth.missing')
    const forged = await world.runtime.app.request('/v1/catalog', { headers: { authorization: 'Bearer hgt_000000000000_' + 'A'.repeat(43) } })
    expect(forged.status).toBe(401)
    expect((await world.as('alice').get('/v1/identities')).body.error.code).toBe('auth.forbidden')
    expect((await world.as('alice').get('/v1/audit/events')).body.error.code).toBe('auth.forbidden')
    expect((await world.as('admin').get('/v1/identities')).status).toBe(200)
  })

  it('hides other people’s requests', async () => {
    const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
    expect((await world.as('bob').get(`/v1/requests/${r.body.request.id}`)).body.error.code).toBe('auth.forbidden')
    expect((await world.as('olivia').get(`/v1/requests/${r.body.request.id}`)).status).toBe(200)
    const inbox = await world.as('olivia').get('/v1/requests?scope=review')
    expect(inbox.body.items.map((i: { id: string }) => i.id)).toEqual([r.body.request.id])
  })

  it('an API token is shown once and stored only as a hash', async () => {
    const created = await world.as('admin').post('/v1/tokens', { identityId: 'bob', name: 'laptop' })
    expect(created.status).toBe(201)
    const token: string = created.body.token
    expect((await world.runtime.app.request('/v1/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    const events = await world.runtime.deps.store.audit.list({ limit: 10_000 })
    expect(JSON.stringify(events)).not.toContain(token)
  })
})

describe('the OpenAPI document matches the server', () => {
  it('lists every route and nothing else', async () => {
    const doc = (await world.as(null).get('/openapi.json')).body
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
    const served = ROUTES.map((r) => `${r.method} ${r.path}`)
    expect(documented.sort()).toEqual(served.sort())
    const honoRoutes = world.runtime.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
    for (const s of served) expect(honoRoutes).toContain(s)
  })
})

describe('revocation failures: retry, irrevocable, then revoked once the target is back', () => {
  it('never marks revoked what was not, and recovers', async () => {
    const { deps } = world.runtime
    const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, duration: '10m' })
    await runDueWork(deps)
    const grantId: string = r.body.grant.id
    // Break the target the way an operator might: its configuration no longer parses.
    const target = (await deps.store.catalog.getTarget('orders-api'))!
    await deps.store.catalog.upsertTarget({ ...target, config: { issuer: 'not a url' } })
    world.clock.advance(10 * 60 * 1000)
    for (let i = 0; i < 3; i++) {
      await runDueWork(deps)
      world.clock.advance(6000)
    }
    const stuck = (await deps.store.grants.get(grantId))!
    expect(stuck.state).toBe('irrevocable')
    expect(stuck.revokeAttempts).toBe(3)
    expect(stuck.revokedAt).toBeNull()
    expect(log.lines.some((l) => l.includes('irrevocable'))).toBe(true)
    // Raised where people look: the API and the alertable metric.
    const listed = await world.as('admin').get('/v1/grants?scope=all&state=irrevocable')
    expect(listed.body.items.map((g: { id: string }) => g.id)).toEqual([grantId])
    const metrics = await world.runtime.app.request('/metrics')
    expect(await metrics.text()).toMatch(/^hourglass_grants_irrevocable 1$/m)
    await deps.store.catalog.upsertTarget(target)
    world.clock.advance(60_000)
    await runDueWork(deps)
    const done = (await deps.store.grants.get(grantId))!
    expect(done).toMatchObject({ state: 'revoked', verification: 'gone' })
    expect(done.revocationLagMs).toBeGreaterThan(60_000)
  })
})

describe('crash between claiming issuance and committing it', () => {
  it('is resumed by the next worker: one credential, then active', async () => {
    const { deps } = world.runtime
    const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-read', justification: WHY })
    const grantId: string = r.body.grant.id
    const g = (await deps.store.grants.get(grantId))!
    // Simulate a worker that claimed the grant (intent committed) and died before the commit.
    await deps.store.grants.update({ ...g, state: 'issuing', issueAttempts: 1, leaseOwner: 'dead-worker', leaseUntil: new Date(world.clock.now().getTime() + 30_000), version: g.version + 1 }, g.version)
    expect((await runDueWork(deps)).issued).toBe(0)
    world.clock.advance(31_000)
    expect((await runDueWork(deps)).issued).toBe(1)
    const active = (await deps.store.grants.get(grantId))!
    expect(active).toMatchObject({ state: 'active', issueAttempts: 2 })
  })
})

describe('secrets stay out of logs and the audit log', () => {
  it('never writes an issued credential anywhere but the sealed column', async () => {
    const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-read', justification: WHY })
    await runDueWork(world.runtime.deps)
    const grant = (await world.runtime.deps.store.grants.get(r.body.grant.id))!
    expect(grant.credentialCiphertext).toMatch(/^v1\./)
    const cred = await world.as('alice').post(`/v1/grants/${grant.id}/credential`)
    const secret: string = cred.body.credential
    expect(secret.length).toBeGreaterThan(40)
    const audit = JSON.stringify(await world.runtime.deps.store.audit.list({ limit: 10_000 }))
    expect(audit).not.toContain(secret)
    expect(log.lines.join('\n')).not.toContain(secret)
    expect(JSON.stringify(await world.runtime.deps.store.grants.get(grant.id))).not.toContain(secret)
  })
})

describe('requests nobody reviews', () => {
  it('lapse at the review deadline and never become grants', async () => {
    const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
    world.clock.advance(24 * 3600 * 1000 - 1000)
    expect((await runDueWork(world.runtime.deps)).lapsed).toBe(0)
    world.clock.advance(1000)
    expect((await runDueWork(world.runtime.deps)).lapsed).toBe(1)
    const late = await world.as('olivia').post(`/v1/requests/${r.body.request.id}/reviews`, { verdict: 'approve' })
    expect(late.body.error.code).toBe('request.not_pending')
    expect((await world.as('alice').get(`/v1/requests/${r.body.request.id}`)).body.state).toBe('lapsed')
  })
})
