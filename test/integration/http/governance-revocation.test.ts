import { afterEach, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { syncCatalog } from '../../../src/app/sync-catalog.js'
import { policyDirCopy, sampleCatalogWithTier } from '../../support/context-changes.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await world.close()
  for (const c of cleanups.splice(0)) await c()
})

const WHY = 'Investigate order 1234 for a customer ticket'

async function activeGrant(who: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await world
    .as(who)
    .post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, ...body })
  expect(r.body.request.state).toBe('approved')
  await runDueWork(world.runtime.deps)
  return r.body.grant.id as string
}

async function grant(id: string): Promise<Record<string, any>> {
  return (await world.as('admin').get(`/v1/grants/${id}`)).body as Record<string, any>
}

async function causeOf(grantId: string) {
  const events = await world.runtime.deps.store.audit.list({ limit: 100, grantId })
  return events.find((e) => e.type === 'grant.revocation_requested')?.data
}

describe('ticket closed', () => {
  it('revokes every active grant whose request names the ticket, and only those', async () => {
    world = await startTestWorld()
    const a = await activeGrant('alice', {
      ticketRef: 'OPS-7',
      revocationCondition: 'ticket_closed',
    })
    const b = await activeGrant('bob', { ticketRef: 'OPS-7' })
    const other = await activeGrant('alice', { ticketRef: 'OPS-8' })
    expect((await world.as('alice').post('/v1/tickets/OPS-7/closed')).body.error.code).toBe(
      'auth.forbidden',
    )

    const closed = await world.as('admin').post('/v1/tickets/OPS-7/closed')
    expect(closed.status).toBe(200)
    expect([...closed.body.grantIds].sort()).toEqual([a, b].sort())
    expect(await grant(a)).toMatchObject({
      state: 'revoked',
      revokeReason: 'ticket_closed',
      verification: 'gone',
    })
    expect(await grant(b)).toMatchObject({ state: 'revoked', revokeReason: 'ticket_closed' })
    expect(await grant(other)).toMatchObject({ state: 'active' })
    expect(await causeOf(a)).toMatchObject({
      reason: 'ticket_closed',
      cause: { change: 'ticket_closed', ticketRef: 'OPS-7' },
    })
    // Closing again finds nothing left to end.
    expect((await world.as('admin').post('/v1/tickets/OPS-7/closed')).body.grantIds).toEqual([])
  })

  it('a grant that ends on ticket close needs a ticket', async () => {
    world = await startTestWorld()
    const r = await world.as('alice').post('/v1/requests', {
      entitlementId: 'orders-read',
      justification: WHY,
      revocationCondition: 'ticket_closed',
    })
    expect(r).toMatchObject({ status: 400, body: { error: { code: 'request.ticket_required' } } })
  })
})

describe('context change: an identity leaves', () => {
  it('offboarding revokes what it holds and asked for, and orphans the NHIs it owns', async () => {
    world = await startTestWorld()
    const own = await activeGrant('alice')
    const forNhi = await activeGrant('alice', { subjectId: 'ci-deployer' })
    const nhiOwn = await activeGrant('ci-deployer')
    const bobs = await activeGrant('bob')

    const r = await world.as('admin').post('/v1/identities/alice/status', { status: 'offboarded' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ identity: { status: 'offboarded' }, orphaned: ['ci-deployer'] })
    expect([...r.body.revoked].sort()).toEqual([own, forNhi, nhiOwn].sort())
    for (const id of [own, forNhi, nhiOwn]) {
      expect(await grant(id)).toMatchObject({ state: 'revoked', revokeReason: 'context_change' })
    }
    expect(await grant(bobs)).toMatchObject({ state: 'active' })
    expect(await causeOf(own)).toMatchObject({
      cause: { change: 'identity_status', identityId: 'alice', from: 'active', to: 'offboarded' },
    })
    expect(await causeOf(nhiOwn)).toMatchObject({ cause: { orphanedNhi: 'ci-deployer' } })

    const findings = await world.as('admin').get('/v1/findings?kind=orphaned_nhi&state=open')
    expect(findings.body.items).toMatchObject([
      { key: 'nhi:ci-deployer', principal: 'ci-deployer' },
    ])
    const nhis = await world.as('admin').get('/v1/nhis')
    expect(nhis.body.items).toMatchObject([
      { id: 'ci-deployer', ownerId: 'alice', orphaned: true, owner: { status: 'offboarded' } },
    ])
    // alice can no longer do anything; her token belongs to an offboarded identity.
    expect(
      (
        await world
          .as('alice')
          .post('/v1/requests', { entitlementId: 'orders-read', justification: WHY })
      ).status,
    ).toBeGreaterThanOrEqual(400)
  })

  it('suspending someone only through the admin route', async () => {
    world = await startTestWorld()
    expect(
      (await world.as('bob').post('/v1/identities/alice/status', { status: 'suspended' })).body
        .error.code,
    ).toBe('auth.forbidden')
    expect(
      (await world.as('admin').post('/v1/identities/alice/status', { status: 'gone' })).body.error
        .code,
    ).toBe('input.invalid')
  })
})

describe('context change: the backstop and the way back', () => {
  it('the engine sweep ends grants of an identity whose offboarding was interrupted', async () => {
    world = await startTestWorld()
    const g = await activeGrant('alice')
    const store = world.runtime.deps.store
    const alice = (await store.identities.get('alice'))!
    // As if the process died after committing the status and before revoking anything.
    await store.identities.update({ ...alice, status: 'offboarded' }, alice.version)
    expect(await grant(g)).toMatchObject({ state: 'active' })
    await world.runtime.engine.sweep()
    expect(await grant(g)).toMatchObject({ state: 'revoked', revokeReason: 'context_change' })
    expect(await causeOf(g)).toMatchObject({
      cause: { change: 'identity_status', source: 'sweep' },
    })
  })

  it('reactivating the owner resolves the orphaned finding', async () => {
    world = await startTestWorld()
    await world.as('admin').post('/v1/identities/alice/status', { status: 'suspended' })
    expect(
      (await world.as('admin').get('/v1/findings?kind=orphaned_nhi&state=open')).body.items,
    ).toHaveLength(1)
    const back = await world.as('admin').post('/v1/identities/alice/status', { status: 'active' })
    expect(back.body).toMatchObject({ identity: { status: 'active' }, revoked: [], orphaned: [] })
    expect(
      (await world.as('admin').get('/v1/findings?kind=orphaned_nhi&state=open')).body.items,
    ).toEqual([])
    const statusEvents = (await world.runtime.deps.store.audit.list({ limit: 1000 })).filter(
      (e) => e.type === 'identity.status_changed',
    )
    expect(statusEvents.map((e) => [e.data.from, e.data.to])).toEqual([
      ['active', 'suspended'],
      ['suspended', 'active'],
    ])
  })
})

describe('NHI ownership', () => {
  it('lists owned NHIs with their last grant and credential age, and transfers them', async () => {
    world = await startTestWorld()
    const g = await activeGrant('alice', { subjectId: 'ci-deployer' })
    world.clock.advance(90_000)
    const mine = await world.as('alice').get('/v1/nhis')
    expect(mine.body.items).toMatchObject([
      {
        id: 'ci-deployer',
        ownerId: 'alice',
        purpose: 'Deploys the orders service from CI',
        orphaned: false,
        lastGrant: { id: g },
        credentialAgeSeconds: 90,
      },
    ])
    expect((await world.as('bob').get('/v1/nhis')).body.items).toEqual([])

    await world.as('admin').post('/v1/identities/alice/status', { status: 'offboarded' })
    expect(
      (await world.as('bob').post('/v1/nhis/ci-deployer/transfer', { newOwnerId: 'bob' })).body
        .error.code,
    ).toBe('auth.forbidden')
    expect(
      (await world.as('admin').post('/v1/nhis/ci-deployer/transfer', { newOwnerId: 'alice' })).body
        .error.code,
    ).toBe('identity.owner_required')
    expect(
      (await world.as('admin').post('/v1/nhis/alice/transfer', { newOwnerId: 'bob' })).body.error
        .code,
    ).toBe('input.invalid')
    const moved = await world
      .as('admin')
      .post('/v1/nhis/ci-deployer/transfer', { newOwnerId: 'bob' })
    expect(moved).toMatchObject({
      status: 200,
      body: { identity: { id: 'ci-deployer', ownerId: 'bob' } },
    })
    expect(
      (await world.as('admin').get('/v1/findings?kind=orphaned_nhi&state=open')).body.items,
    ).toEqual([])
    expect(
      (await world.as('admin').get('/v1/findings?kind=orphaned_nhi&state=resolved')).body.items,
    ).toMatchObject([{ resolution: 'transferred to bob' }])
    expect((await world.as('bob').get('/v1/nhis')).body.items).toMatchObject([
      { id: 'ci-deployer', orphaned: false },
    ])
    const audit = (await world.runtime.deps.store.audit.list({ limit: 1000 })).filter(
      (e) => e.type === 'nhi.transferred',
    )
    expect(audit).toMatchObject([
      { actor: 'admin', data: { identityId: 'ci-deployer', from: 'alice', to: 'bob' } },
    ])
  })

  it('a transfer ends grants the old owner asked for the NHI', async () => {
    world = await startTestWorld()
    const g = await activeGrant('alice', { subjectId: 'ci-deployer' })
    const r = await world.as('admin').post('/v1/nhis/ci-deployer/transfer', { newOwnerId: 'bob' })
    expect(r.body.revoked).toEqual([g])
    expect(await causeOf(g)).toMatchObject({
      cause: { change: 'nhi_transferred', from: 'alice', to: 'bob' },
    })
  })
})

describe('context change: policy and catalog', () => {
  it('a policy reload that forbids revokes the active grants it no longer permits', async () => {
    const policies = await policyDirCopy()
    cleanups.push(policies.remove)
    world = await startTestWorld({ config: { policyDir: policies.dir } })
    const read = await activeGrant('alice')
    const w = await world
      .as('alice')
      .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
    await world
      .as('olivia')
      .post(`/v1/requests/${w.body.request.id}/reviews`, { verdict: 'approve' })
    await runDueWork(world.runtime.deps)
    const write = (await world.runtime.deps.store.grants.list({ requestId: w.body.request.id }))[0]!
      .id

    await policies.freeze()
    const reloaded = await world.as('admin').post('/v1/policy/reload')
    expect(reloaded.body).toMatchObject({ changed: true, recheck: { checked: 2, revoked: [read] } })
    expect(await grant(read)).toMatchObject({ state: 'revoked', revokeReason: 'context_change' })
    expect(await grant(write)).toMatchObject({ state: 'active' })
    const cause = (await causeOf(read))?.cause as Record<string, unknown>
    expect(cause).toMatchObject({
      change: 'policy_reload',
      to: reloaded.body.policyHash,
      decision: { allowed: false },
    })
    expect(JSON.stringify(cause)).toContain('freeze-orders-read')
  })

  it('re-tiering an entitlement at catalog sync re-checks its grants', async () => {
    world = await startTestWorld()
    const noTicket = await activeGrant('alice')
    const withTicket = await activeGrant('alice', { ticketRef: 'OPS-5', duration: '30m' })
    const catalog = sampleCatalogWithTier('orders-read', 'high')
    await syncCatalog(world.runtime.deps, catalog, { PUBLIC_URL: 'http://127.0.0.1:7300' })
    expect(await grant(noTicket)).toMatchObject({
      state: 'revoked',
      revokeReason: 'context_change',
    })
    expect(await grant(withTicket)).toMatchObject({ state: 'active' })
    expect(await causeOf(noTicket)).toMatchObject({
      cause: {
        change: 'entitlement_retiered',
        entitlementId: 'orders-read',
        from: 'low',
        to: 'high',
      },
    })
  })
})
