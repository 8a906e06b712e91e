import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { syncCatalog } from '../../../src/app/sync-catalog.js'
import { Secret } from '../../../src/config/secret.js'
import { roleNameFor } from '../../../src/connectors/postgres/role-names.js'
import { pgUrlOrSkip } from '../../support/services.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'
import { startPgTarget, type PgTarget } from '../connectors/postgres-target.js'

const base = pgUrlOrSkip()
const PASSWORD_ENV = 'HOURGLASS_TEST_RECONCILE_PG_PASSWORD'

describe.skipIf(!base)('reconciliation against a real PostgreSQL target, through the API', () => {
  let pgt: PgTarget
  let world: TestWorld

  const catalog = (authoritative: boolean) => ({
    targets: [
      {
        id: 'orders-db',
        kind: 'postgres',
        name: 'Orders database',
        // The password is a reference: the database only ever stores it sealed.
        config: { ...pgt.rawConfig, password: { fromEnv: PASSWORD_ENV } },
        reconcile: { authoritative },
      },
    ],
    entitlements: [
      {
        id: 'orders-db-read',
        name: 'Orders DB: read',
        targetId: 'orders-db',
        riskTier: 'low',
        owners: ['olivia'],
        defaultDuration: '1h',
        maxDuration: '4h',
        params: { mode: 'role', grantRole: pgt.appRead },
      },
    ],
  })

  beforeAll(async () => {
    pgt = await startPgTarget(base!)
    process.env[PASSWORD_ENV] = pgt.connectorPassword
    world = await startTestWorld()
    // The target checks VALID UNTIL against its own clock: start the fake clock at real time.
    world.clock.set(new Date())
    await syncCatalog(world.runtime.deps, catalog(false))
  })
  afterAll(async () => {
    await world.close()
    await pgt.teardown()
    Reflect.deleteProperty(process.env, PASSWORD_ENV)
  })

  const reconcile = async () => {
    const r = await world.as('admin').post('/v1/reconcile', { targetId: 'orders-db' })
    expect(r.status).toBe(200)
    return r.body.results[0]
  }
  const findings = async (state = 'open,resolved,accepted') =>
    (await world.as('admin').get(`/v1/findings?targetId=orders-db&state=${state}`)).body.items as Array<Record<string, any>>

  it('stores the target password sealed, never in clear', async () => {
    const target = await world.runtime.deps.store.catalog.getTarget('orders-db')
    expect(JSON.stringify(target)).not.toContain(pgt.connectorPassword)
    expect(JSON.stringify(target?.config.password)).toContain('$sealed')
  })

  it('finds shadow and lingering access, revokes the lingering role, leaves the granted one alone', async () => {
    const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-db-read', justification: 'Read orders for the audit sample' })
    expect(r.body.request.state).toBe('approved')
    await runDueWork(world.runtime.deps)
    const cred = await world.as('alice').post(`/v1/grants/${r.body.grant.id}/credential`)
    expect(await pgt.use(new Secret(cred.body.credential))).toBe('allowed')

    const shadow = `dba_friend_${pgt.tag}`
    await pgt.admin(`CREATE ROLE ${shadow} LOGIN`)
    await pgt.admin(`GRANT ${pgt.appRead} TO ${shadow}`)
    const ghost = roleNameFor(pgt.prefix, 'grt_ghost')
    await pgt.admin(`CREATE ROLE "${ghost}" LOGIN IN ROLE ${pgt.appRead}`)

    const result = await reconcile()
    expect(result).toMatchObject({ supported: true, removed: 1 })
    const all = await findings()
    expect(all.find((f) => f.principal === shadow)).toMatchObject({ kind: 'shadow', state: 'open', grantId: null })
    expect(all.find((f) => f.principal === ghost)).toMatchObject({ kind: 'lingering', state: 'resolved', resolution: 'revoked again' })
    expect(all.some((f) => f.grantId === r.body.grant.id)).toBe(false)
    expect(await pgt.admin(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [ghost])).toHaveLength(0)
    // Non-authoritative: the shadow member keeps its access until someone decides.
    expect(await pgt.admin(`SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = $1`, [shadow])).toHaveLength(1)
  })

  it('the governance report counts what the latest reconciliation saw', async () => {
    const done = (await world.runtime.deps.store.audit.list({ limit: 100_000 })).filter((e) => e.type === 'reconcile.completed').at(-1)
    const observed = done?.data.observed as number
    // The shadow member and the ghost role are the two entries no grant in force explains.
    expect(done?.data.backedByGrant).toBe(observed - 2)
    const report = await world.as('sam').get('/v1/reports/governance')
    expect(report.body.coverage).toEqual({
      observed,
      backedByGrant: observed - 2,
      share: (observed - 2) / observed,
      shadow: 1,
      orphanedNhis: 0,
      standing: 1,
    })
  })

  it('reports drift when a granted role was given more than its entitlement', async () => {
    const [grant] = await world.runtime.deps.store.grants.list({ targetId: 'orders-db', states: ['active'] })
    const role = (grant!.handle as { role: string }).role
    await pgt.admin(`CREATE ROLE extra_${pgt.tag}`)
    await pgt.admin(`GRANT extra_${pgt.tag} TO "${role}"`)
    await reconcile()
    const drift = (await findings('open')).find((f) => f.kind === 'drift')
    expect(drift).toMatchObject({ grantId: grant!.id, principal: role, details: { expected: [pgt.appRead], actual: [`extra_${pgt.tag}`, pgt.appRead].sort() } })
  })

  it('an accepted finding holds until its expiry, then reopens', async () => {
    const open = (await findings('open')).find((f) => f.kind === 'shadow')!
    const short = await world.as('admin').post(`/v1/findings/${open.id}/accept`, { reason: 'vendor reporting job, ticket OPS-9', for: '100d' })
    expect(short.body.error.code).toBe('input.invalid')
    const accepted = await world.as('admin').post(`/v1/findings/${open.id}/accept`, { reason: 'vendor reporting job, ticket OPS-9', for: '7d' })
    expect(accepted.body).toMatchObject({ state: 'accepted', acceptedBy: 'admin' })
    await reconcile()
    expect((await findings('accepted')).map((f) => f.id)).toContain(open.id)
    world.clock.advance(8 * 86400 * 1000)
    await reconcile()
    expect((await findings('open')).map((f) => f.id)).toContain(open.id)
  })

  it('in authoritative mode removes the shadow membership, audited, and keeps the role', async () => {
    await syncCatalog(world.runtime.deps, catalog(true))
    const shadow = `dba_friend_${pgt.tag}`
    const result = await reconcile()
    expect(result.removed).toBeGreaterThanOrEqual(1)
    expect(await pgt.admin(`SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = $1`, [shadow])).toHaveLength(0)
    expect(await pgt.admin(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [shadow])).toHaveLength(1)
    const removed = (await world.runtime.deps.store.audit.list({ limit: 10_000 })).filter((e) => e.type === 'reconcile.access_removed')
    expect(removed.map((e) => e.data.principal)).toEqual(expect.arrayContaining([shadow]))
    // The grant Hourglass issued is still there and still works.
    expect((await findings('open')).filter((f) => f.kind === 'shadow')).toHaveLength(0)
  })
})
