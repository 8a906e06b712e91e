import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

// Tokens, identities, entitlements and targets are kept in memory on SQLite (row-cache.ts).
// Whatever the cache holds, a change must count from the next call on, on both engines.

const baseUrl = pgUrlOrSkip()
const drops: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const drop of drops) await drop()
})

const engines = baseUrl === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)
const WHY = 'Read order history for OPS-1'

describe.each(engines)('rows read on every call, on %s', (engine) => {
  let world: TestWorld
  beforeEach(async () => {
    let databaseUrl: string | undefined
    if (engine === 'postgres') {
      const database = await freshPgDatabase(baseUrl!)
      drops.push(() => database.drop())
      databaseUrl = database.url
    }
    world = await startTestWorld(databaseUrl ? { databaseUrl } : {})
  })
  afterEach(async () => {
    await world.close()
  })

  it('a revoked API token stops working at the next call', async () => {
    const { store } = world.runtime.deps
    // Twice, so the second call is served from whatever the first one left behind.
    expect((await world.as('alice').get('/v1/me')).status).toBe(200)
    expect((await world.as('alice').get('/v1/me')).status).toBe(200)
    const [token] = await store.tokens.listForIdentity('alice')
    expect(await store.tokens.revoke(token!.id, world.clock.now())).toBe(true)
    const res = await world.as('alice').get('/v1/me')
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('auth.invalid_token')
    expect(res.body.error.details.reason).toBe('revoked')
  })

  it('a suspended identity is refused at the next call, and let in again once reactivated', async () => {
    expect((await world.as('bob').get('/v1/me')).status).toBe(200)
    expect((await world.as('bob').get('/v1/me')).status).toBe(200)
    const suspend = await world.as('admin').post('/v1/identities/bob/status', { status: 'suspended' })
    expect(suspend.status).toBe(200)
    const refused = await world.as('bob').get('/v1/me')
    expect(refused.body.error?.code).toBe('identity.inactive')
    const submit = await world.as('bob').post('/v1/requests', { entitlementId: 'orders-read', justification: WHY })
    expect(submit.body.error?.code).toBe('identity.inactive')
    expect((await world.as('admin').post('/v1/identities/bob/status', { status: 'active' })).status).toBe(200)
    expect((await world.as('bob').get('/v1/me')).status).toBe(200)
  })

  it('a catalog change counts for the next request', async () => {
    const submit = () =>
      world.as('alice').post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, duration: '2h' })
    expect((await submit()).status).toBe(201)
    const { store } = world.runtime.deps
    const entitlement = await store.catalog.getEntitlement('orders-read')
    await store.transaction((tx) =>
      tx.catalog.upsertEntitlement({ ...entitlement!, maxDurationSeconds: 3600, defaultDurationSeconds: 3600 }),
    )
    const refused = await submit()
    expect(refused.body.error?.code).toBe('grant.window_exceeds_policy')
  })

  it.runIf(engine === 'sqlite')('a change committed by another process on the same file counts at once', async () => {
    expect((await world.as('olivia').get('/v1/me')).status).toBe(200)
    expect((await world.as('olivia').get('/v1/me')).status).toBe(200)
    // Another connection, as another Hourglass process (or an operator's sqlite3 shell) would be.
    const other = new SqliteDatabase(path.join(world.dataDir, 'hourglass.db'), { timeout: 5000 })
    try {
      other.prepare(`update identities set status = 'suspended' where id = 'olivia'`).run()
      const refused = await world.as('olivia').get('/v1/me')
      expect(refused.body.error?.code).toBe('identity.inactive')
      other.prepare(`update identities set status = 'active' where id = 'olivia'`).run()
      other.prepare(`update api_tokens set revoked_at = 1 where identity_id = 'olivia'`).run()
    } finally {
      other.close()
    }
    const revoked = await world.as('olivia').get('/v1/me')
    expect(revoked.body.error?.details?.reason).toBe('revoked')
  })
})
