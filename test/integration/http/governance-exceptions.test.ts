import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { detectExceptionDrift } from '../../../src/app/detect-exception-drift.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
beforeEach(async () => {
  world = await startTestWorld()
})
afterEach(async () => {
  await world.close()
})

const WHY = 'Reconcile the orders of the spring migration (OPS-77)'
const REASON = 'Alice runs the spring migration clean-up every day this week'
const DAY = 86_400_000

function requestWrite(who = 'alice') {
  return world.as(who).post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
}

function approveException(who: string, body: Record<string, unknown>) {
  return world.as(who).post('/v1/exceptions', { reason: REASON, for: '7d', ...body })
}

const ALICE_WRITE = { scope: { identityId: 'alice', entitlementId: 'orders-write' } }

describe('exceptions: who may approve', () => {
  it('refuses the beneficiary, people who own nothing it names, and more than 90 days', async () => {
    const own = await approveException('olivia', {
      scope: { identityId: 'olivia', entitlementId: 'orders-write' },
    })
    expect(own).toMatchObject({
      status: 403,
      body: { error: { code: 'exception.self_approval_forbidden' } },
    })
    const admin = await approveException('admin', { scope: { identityId: 'admin' } })
    expect(admin.body.error.code).toBe('exception.self_approval_forbidden')
    // The owner of an NHI benefits from an exception for it, as for reviews.
    const nhiOwner = await approveException('admin', { scope: { identityId: 'ci-deployer' } })
    expect(nhiOwner.status).toBe(201)
    const notOwner = await approveException('bob', ALICE_WRITE)
    expect(notOwner).toMatchObject({ status: 403, body: { error: { code: 'auth.forbidden' } } })
    const tooLong = await approveException('olivia', { ...ALICE_WRITE, for: '91d' })
    expect(tooLong).toMatchObject({ status: 400, body: { error: { code: 'exception.too_long' } } })
    const empty = await approveException('olivia', { scope: {} })
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'input.invalid' } } })
    expect((await world.as('admin').get('/v1/exceptions')).body.items).toHaveLength(1)
  })
})

describe('exceptions: policy sees them, uses are counted and linked', () => {
  it('an active exception changes the decision; each use is linked to its grant', async () => {
    expect((await requestWrite()).body.request.state).toBe('pending')
    const exc = await approveException('olivia', ALICE_WRITE)
    expect(exc).toMatchObject({
      status: 201,
      body: { state: 'active', approverId: 'olivia', uses: 0 },
    })

    const r = await requestWrite()
    expect(r.body.request).toMatchObject({
      state: 'approved',
      decisionReason: 'auto-approved by policy',
    })
    // Auto-approved on a jwt target: issued in the submission's transaction.
    expect(r.body.grant).toMatchObject({ state: 'active' })
    // Someone the exception does not name still needs the owner.
    expect(
      (
        await world
          .as('bob')
          .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
      ).body.request.state,
    ).toBe('pending')

    const seen = await world.as('olivia').get(`/v1/exceptions/${exc.body.id}`)
    expect(seen.body).toMatchObject({
      uses: 1,
      usedBy: [{ requestId: r.body.request.id, grantId: r.body.grant.id, action: 'request' }],
    })
    const events = await world.runtime.deps.store.audit.list({
      limit: 100,
      requestId: r.body.request.id,
    })
    const submitted = events.find((e) => e.type === 'request.submitted')
    expect(submitted?.data.decision).toMatchObject({
      determiningPolicies: ['request-medium-exception'],
    })
    const used = events.find((e) => e.type === 'exception.used')
    expect(used).toMatchObject({
      grantId: r.body.grant.id,
      data: {
        exceptionId: exc.body.id,
        withoutException: { allowed: true, determiningPolicies: ['request-medium'] },
      },
    })
    // The beneficiary can read it too, with its uses.
    expect((await world.as('alice').get(`/v1/exceptions/${exc.body.id}`)).body.uses).toBe(1)
    expect((await world.as('bob').get(`/v1/exceptions/${exc.body.id}`)).body.error.code).toBe(
      'auth.forbidden',
    )
  })

  it('stops applying the moment it expires, and when it is revoked', async () => {
    const exc = await approveException('olivia', { ...ALICE_WRITE, for: '1d' })
    expect((await requestWrite()).body.request.state).toBe('approved')
    world.clock.advance(DAY - 1)
    expect((await requestWrite()).body.request.state).toBe('approved')
    world.clock.advance(1)
    expect((await requestWrite()).body.request.state).toBe('pending')
    expect((await world.as('olivia').get(`/v1/exceptions/${exc.body.id}`)).body).toMatchObject({
      state: 'expired',
      uses: 2,
    })

    const second = await approveException('olivia', ALICE_WRITE)
    expect((await requestWrite()).body.request.state).toBe('approved')
    const revoked = await world
      .as('olivia')
      .post(`/v1/exceptions/${second.body.id}/revoke`, { reason: 'migration finished' })
    expect(revoked.body.state).toBe('revoked')
    expect((await requestWrite()).body.request.state).toBe('pending')
    const again = await world
      .as('olivia')
      .post(`/v1/exceptions/${second.body.id}/revoke`, { reason: 'migration finished' })
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'exception.not_active' } } })
  })
})

describe('exception drift', () => {
  async function driftFindings() {
    const r = await world.as('admin').get('/v1/findings?kind=exception_drift&state=open')
    return r.body.items as Array<{
      key: string
      principal: string
      details: Record<string, unknown>
    }>
  }

  it('flags an exception renewed more than twice in a row', async () => {
    let current = await approveException('olivia', ALICE_WRITE)
    for (const n of [1, 2]) {
      world.clock.advance(6 * DAY)
      current = await approveException('olivia', { renewedFrom: current.body.id })
      expect(current.body).toMatchObject({ renewals: n, scope: ALICE_WRITE.scope })
    }
    await world.runtime.engine.sweep()
    expect(await driftFindings()).toEqual([])

    world.clock.advance(6 * DAY)
    const third = await approveException('olivia', { renewedFrom: current.body.id })
    expect(third.body.renewals).toBe(3)
    // The renewed one ended: renewing it again would fork the chain.
    const fork = await approveException('olivia', { renewedFrom: current.body.id })
    expect(fork.body.error.code).toBe('exception.not_active')
    await world.runtime.engine.sweep()
    const findings = await driftFindings()
    expect(findings).toMatchObject([
      {
        key: `exception:${third.body.id}`,
        principal: 'alice',
        details: { reason: 'renewed repeatedly', renewals: 3 },
      },
    ])
    const active = (await world.as('admin').get('/v1/exceptions')).body.items
    expect(active.map((e: { id: string }) => e.id)).toEqual([third.body.id])
  })

  it("flags an exception that carries most of an entitlement's grants", async () => {
    await approveException('olivia', ALICE_WRITE)
    for (let i = 0; i < 3; i++) expect((await requestWrite()).body.request.state).toBe('approved')
    expect(await detectExceptionDrift(world.runtime.deps)).toBe(0)
    expect((await requestWrite()).body.request.state).toBe('approved')
    expect(await detectExceptionDrift(world.runtime.deps)).toBe(1)
    expect(await driftFindings()).toMatchObject([
      { details: { reason: 'carries a large share of the grants', uses: 4, grants: 4 } },
    ])
    expect(await detectExceptionDrift(world.runtime.deps)).toBe(0)
  })
})
