import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { syncCatalog } from '../../../src/app/sync-catalog.js'
import { Secret } from '../../../src/config/secret.js'
import {
  findPostgresBin,
  isCi,
  startRestartablePostgres,
  type RestartablePostgres,
} from '../../support/services.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'
import { ENTITLEMENT, startRoleTarget, type RoleTarget } from '../../faults/pg-role-target.js'

/** A cluster of its own: this file stops it, which must not disturb any other test. */
const bin = await findPostgresBin()
if (bin === null && isCi())
  throw new Error('CI=true but no PostgreSQL server binaries are installed')
if (bin === null)
  console.warn('\n!!! SKIPPING postgres target-down test: no PostgreSQL binaries !!!\n')

describe.skipIf(bin === null)('a PostgreSQL target that goes down during revocation (T33)', () => {
  let cluster: RestartablePostgres
  let target: RoleTarget
  let world: TestWorld

  beforeAll(async () => {
    cluster = await startRestartablePostgres(bin!)
    target = await startRoleTarget(cluster.url)
    world = await startTestWorld({
      config: {
        lifecycle: {
          revoke: { maxAttempts: 3, baseMs: 1000, capMs: 4000 },
          irrevocableRetryMs: 60_000,
          connectorTimeoutMs: 3000,
        },
      },
    })
    // The target checks VALID UNTIL against its own clock: start the fake clock at real time.
    world.clock.set(new Date())
    await syncCatalog(world.runtime.deps, target.catalog)
  })
  afterAll(async () => {
    await world.close()
    await target.teardown().catch(() => undefined)
    await cluster.stop().catch(() => undefined)
  })

  const roleExists = async (grantId: string) =>
    (await target.roles()).some((role) => role.grantId === grantId)

  it('retries with backoff, goes irrevocable and alerts, then drops the role once the server is back', async () => {
    const { deps } = world.runtime
    const req = await world.as('alice').post('/v1/requests', {
      entitlementId: ENTITLEMENT,
      justification: 'Read orders for OPS-4',
    })
    expect(req.body.request.state).toBe('approved')
    await runDueWork(deps)
    const grantId: string = req.body.grant.id
    const cred = await world.as('alice').post(`/v1/grants/${grantId}/credential`)
    const credential = new Secret(cred.body.credential)
    expect(await target.target.use(credential)).toBe('allowed')

    await cluster.halt()
    world.clock.advance(10 * 60_000)
    for (let i = 0; i < 3; i++) {
      await runDueWork(deps)
      world.clock.advance(5000)
    }
    const stuck = (await deps.store.grants.get(grantId))!
    expect(stuck).toMatchObject({
      state: 'irrevocable',
      revokeAttempts: 3,
      revokedAt: null,
      verification: null,
    })
    const types = (await deps.store.audit.list({ limit: 1000, grantId })).map((e) => e.type)
    expect(types.filter((t) => t === 'grant.revoke_failed')).toHaveLength(2)
    expect(types).toContain('grant.irrevocable')
    expect(types).not.toContain('grant.revoked')
    expect(await (await world.runtime.app.request('/metrics')).text()).toMatch(
      /^hourglass_grants_irrevocable 1$/m,
    )

    await cluster.resume()
    // Nothing has dropped the role yet, so the credential still works: the grant must say so.
    expect(await roleExists(grantId)).toBe(true)
    expect(await target.target.use(credential)).toBe('allowed')
    world.clock.advance(60_000)
    await runDueWork(deps)
    expect(await deps.store.grants.get(grantId)).toMatchObject({
      state: 'revoked',
      verification: 'gone',
    })
    expect(await roleExists(grantId)).toBe(false)
    expect(await target.target.use(credential)).toBe('denied')
    const after = (await deps.store.audit.list({ limit: 1000, grantId })).map((e) => e.type)
    expect(after.filter((t) => t === 'grant.revoked')).toHaveLength(1)
  })
})
