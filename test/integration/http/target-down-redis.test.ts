import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { syncCatalog } from '../../../src/app/sync-catalog.js'
import { Secret } from '../../../src/config/secret.js'
import { loginWith, startRedis, type RunningRedis } from '../../support/redis-service.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const redis = await startRedis()
const PASSWORD_ENV = 'HOURGLASS_TEST_DOWN_REDIS_PASSWORD'

describe.skipIf(!redis)('a Redis target that goes down during revocation (T33)', () => {
  let r: RunningRedis
  let world: TestWorld

  beforeAll(async () => {
    r = redis!
    process.env[PASSWORD_ENV] = r.adminPassword
    world = await startTestWorld({
      config: { lifecycle: { revoke: { maxAttempts: 3, baseMs: 1000, capMs: 4000 }, irrevocableRetryMs: 60_000, connectorTimeoutMs: 3000 } },
    })
    world.clock.set(new Date())
    await syncCatalog(world.runtime.deps, {
      targets: [
        {
          id: 'cache',
          kind: 'redis',
          name: 'Cache',
          config: { host: r.host, port: r.port, username: r.adminUser, password: { fromEnv: PASSWORD_ENV }, persistAcl: true },
        },
      ],
      entitlements: [
        {
          id: 'cache-read',
          name: 'Cache: read',
          targetId: 'cache',
          riskTier: 'low',
          owners: ['olivia'],
          defaultDuration: '10m',
          maxDuration: '1h',
          params: { keyPatterns: ['app:*'], categories: ['read'] },
        },
      ],
    })
  })
  afterAll(async () => {
    await world.close()
    await r.stop()
    Reflect.deleteProperty(process.env, PASSWORD_ENV)
  })

  it('retries with backoff, goes irrevocable and alerts, then revokes once the server is back', async () => {
    const { deps } = world.runtime
    const req = await world.as('alice').post('/v1/requests', { entitlementId: 'cache-read', justification: 'Inspect cached sessions for OPS-3' })
    await runDueWork(deps)
    const grantId: string = req.body.grant.id
    const cred = await world.as('alice').post(`/v1/grants/${grantId}/credential`)
    const session = await loginWith(new Secret(cred.body.credential))
    expect(session).not.toBe('denied')
    if (session !== 'denied') session.disconnect()

    await r.kill()
    world.clock.advance(10 * 60_000)
    for (let i = 0; i < 3; i++) {
      await runDueWork(deps)
      world.clock.advance(5000)
    }
    const stuck = (await deps.store.grants.get(grantId))!
    expect(stuck).toMatchObject({ state: 'irrevocable', revokeAttempts: 3, revokedAt: null, verification: null })
    const types = (await deps.store.audit.list({ limit: 1000, grantId })).map((e) => e.type)
    expect(types.filter((t) => t === 'grant.revoke_failed')).toHaveLength(2)
    expect(types).toContain('grant.irrevocable')
    expect(types).not.toContain('grant.revoked')
    expect(await (await world.runtime.app.request('/metrics')).text()).toMatch(/^hourglass_grants_irrevocable 1$/m)

    await r.restart()
    // The credential still works while nothing has revoked it: the grant must not claim otherwise.
    const still = await loginWith(new Secret(cred.body.credential))
    expect(still).not.toBe('denied')
    if (still !== 'denied') still.disconnect()
    world.clock.advance(60_000)
    await runDueWork(deps)
    expect(await deps.store.grants.get(grantId)).toMatchObject({ state: 'revoked', verification: 'gone' })
    expect(await loginWith(new Secret(cred.body.credential))).toBe('denied')
  })
})
