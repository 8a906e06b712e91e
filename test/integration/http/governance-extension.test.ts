import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
beforeEach(async () => {
  world = await startTestWorld()
})
afterEach(async () => {
  await world.close()
})

const WHY = 'Fix the stuck orders of the spring sale (OPS-9)'
const MORE = 'The backfill needs longer than planned (OPS-9)'
const MINUTE = 60_000

/** alice's orders-write grant (medium: olivia approves), active. */
async function approvedWrite(duration = '8h'): Promise<{ requestId: string; grantId: string }> {
  const r = await world
    .as('alice')
    .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY, duration })
  const reviewed = await world
    .as('olivia')
    .post(`/v1/requests/${r.body.request.id}/reviews`, { verdict: 'approve' })
  await runDueWork(world.runtime.deps)
  return { requestId: r.body.request.id, grantId: reviewed.body.grant.id }
}

async function grant(id: string): Promise<Record<string, any>> {
  return (await world.as('alice').get(`/v1/grants/${id}`)).body as Record<string, any>
}

describe('extension: a new request under the same rules', () => {
  it('is reviewed again, then replaces the old grant without a gap', async () => {
    const { grantId: first } = await approvedWrite()
    const before = await grant(first)
    world.clock.advance(7 * 60 * MINUTE)

    const ext = await world
      .as('alice')
      .post(`/v1/grants/${first}/extend`, { duration: '8h', justification: MORE })
    expect(ext.status).toBe(201)
    expect(ext.body).toMatchObject({
      request: {
        state: 'pending',
        extendsGrantId: first,
        eligibleReviewers: ['olivia'],
        obligations: { approvals: 1, ownerApproval: true },
      },
      grant: null,
    })
    const id: string = ext.body.request.id
    expect(
      (await world.as('alice').post(`/v1/requests/${id}/reviews`, { verdict: 'approve' })).body
        .error.code,
    ).toBe('review.self_review_forbidden')
    expect(
      (
        await world
          .as('bob')
          .post(`/v1/grants/${first}/extend`, { duration: '1h', justification: MORE })
      ).body.error.code,
    ).toBe('auth.forbidden')
    expect(
      (
        await world
          .as('alice')
          .post(`/v1/grants/${first}/extend`, { duration: '1h', justification: MORE })
      ).body.error.code,
    ).toBe('extension.not_allowed')

    const approved = await world
      .as('olivia')
      .post(`/v1/requests/${id}/reviews`, { verdict: 'approve' })
    const second: string = approved.body.grant.id
    // Approval alone changes nothing on the old grant: its expiry is never edited.
    expect(await grant(first)).toMatchObject({ state: 'active', expiresAt: before.expiresAt })

    world.clock.advance(2_000)
    await runDueWork(world.runtime.deps)
    const old = await grant(first)
    const next = await grant(second)
    expect(next).toMatchObject({ state: 'active' })
    expect(old).toMatchObject({
      state: 'revoked',
      revokeReason: 'superseded',
      expiresAt: before.expiresAt,
    })
    // No gap: the old grant ended after the new one was issued, within seconds.
    const gap = Date.parse(old.revokedAt) - Date.parse(next.issuedAt)
    expect(gap).toBeGreaterThanOrEqual(0)
    expect(gap).toBeLessThan(5_000)
    expect(Date.parse(next.expiresAt) - Date.parse(next.startsAt)).toBe(8 * 60 * MINUTE)
    const events = await world.runtime.deps.store.audit.list({ limit: 100, grantId: first })
    expect(events.find((e) => e.type === 'grant.revocation_requested')?.data).toMatchObject({
      reason: 'superseded',
      cause: { supersededBy: second },
    })
  })

  it('is never auto-approved when the original was reviewed, even under an exception', async () => {
    const { grantId } = await approvedWrite('1h')
    await world.as('olivia').post('/v1/exceptions', {
      scope: { identityId: 'alice', entitlementId: 'orders-write' },
      reason: 'Alice owns the spring sale clean-up this week',
      for: '7d',
    })
    // A fresh request would now be auto-approved; the extension keeps the original's review.
    expect(
      (
        await world
          .as('alice')
          .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
      ).body.request.state,
    ).toBe('approved')
    const ext = await world
      .as('alice')
      .post(`/v1/grants/${grantId}/extend`, { duration: '1h', justification: MORE })
    expect(ext.body.request).toMatchObject({
      state: 'pending',
      obligations: { approvals: 1, ownerApproval: true },
    })
  })

  it('an auto-approved grant extends automatically, under the same rules', async () => {
    const r = await world
      .as('alice')
      .post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, duration: '1h' })
    await runDueWork(world.runtime.deps)
    const ext = await world
      .as('alice')
      .post(`/v1/grants/${r.body.grant.id}/extend`, { duration: '1h', justification: MORE })
    // Issued in the extension's own transaction (jwt), so the old grant is superseded at once.
    expect(ext.body).toMatchObject({
      request: { state: 'approved', extendsGrantId: r.body.grant.id },
      grant: { state: 'active' },
    })
    const old = await world.as('alice').get(`/v1/grants/${r.body.grant.id}`)
    expect(old.body).toMatchObject({ state: 'revoked', revokeReason: 'superseded' })
  })

  it('caps the whole chain at twice the entitlement maximum', async () => {
    const { grantId: first } = await approvedWrite('8h')
    const ext = await world
      .as('alice')
      .post(`/v1/grants/${first}/extend`, { duration: '8h', justification: MORE })
    const approved = await world
      .as('olivia')
      .post(`/v1/requests/${ext.body.request.id}/reviews`, { verdict: 'approve' })
    await runDueWork(world.runtime.deps)
    const second: string = approved.body.grant.id
    const over = await world
      .as('alice')
      .post(`/v1/grants/${second}/extend`, { duration: '1m', justification: MORE })
    expect(over).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'extension.cap_exceeded',
          details: { chainSeconds: 57_600, capSeconds: 57_600 },
        },
      },
    })
    expect(
      (
        await world
          .as('alice')
          .post(`/v1/grants/${first}/extend`, { duration: '1h', justification: MORE })
      ).body.error.code,
    ).toBe('grant.not_active')
  })

  it('break-glass access is never extended', async () => {
    const bg = await world.as('bob').post('/v1/breakglass', {
      entitlementId: 'orders-write',
      incidentRef: 'INC-7',
      reason: 'Checkout is down for every customer; draining the queue by hand',
    })
    await runDueWork(world.runtime.deps)
    const ext = await world
      .as('bob')
      .post(`/v1/grants/${bg.body.grant.id}/extend`, { duration: '1h', justification: MORE })
    expect(ext).toMatchObject({ status: 409, body: { error: { code: 'extension.not_allowed' } } })
  })
})

describe('cool-down after a denial (T05)', () => {
  it('refuses asking again for the same entitlement until the cool-down passes', async () => {
    const r = await world
      .as('alice')
      .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
    await world
      .as('olivia')
      .post(`/v1/requests/${r.body.request.id}/reviews`, {
        verdict: 'deny',
        comment: 'not this week',
      })
    const again = await world
      .as('alice')
      .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
    expect(again).toMatchObject({
      status: 429,
      body: {
        error: { code: 'request.cooldown', details: { deniedRequestId: r.body.request.id } },
      },
    })
    // Other entitlements and other people are not affected.
    expect(
      (
        await world
          .as('alice')
          .post('/v1/requests', { entitlementId: 'orders-read', justification: WHY })
      ).status,
    ).toBe(201)
    expect(
      (
        await world
          .as('bob')
          .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
      ).status,
    ).toBe(201)
    world.clock.advance(15 * MINUTE - 1)
    expect(
      (
        await world
          .as('alice')
          .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
      ).status,
    ).toBe(429)
    world.clock.advance(1)
    expect(
      (
        await world
          .as('alice')
          .post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
      ).status,
    ).toBe(201)
  })

  it('applies to extensions too', async () => {
    const { grantId } = await approvedWrite('1h')
    const ext = await world
      .as('alice')
      .post(`/v1/grants/${grantId}/extend`, { duration: '1h', justification: MORE })
    await world
      .as('olivia')
      .post(`/v1/requests/${ext.body.request.id}/reviews`, {
        verdict: 'deny',
        comment: 'finish tomorrow',
      })
    const again = await world
      .as('alice')
      .post(`/v1/grants/${grantId}/extend`, { duration: '1h', justification: MORE })
    expect(again).toMatchObject({ status: 429, body: { error: { code: 'request.cooldown' } } })
  })
})
