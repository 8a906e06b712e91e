import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import type { GovernanceReport } from '../../../src/domain/governance-report.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const WHY = 'Investigate order 1234 for a customer ticket'
const BG_REASON = 'Payments provider rejects every refund; must switch the provider key now'
/** The ten chosen revocation lags of the orders-read grants, in ms. */
const LAGS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]

function ok<T extends { status: number; body: any }>(res: T, status = 201): T {
  if (res.status !== status)
    throw new Error(`expected ${String(status)}, got ${JSON.stringify(res)}`)
  return res
}

/**
 * Builds, through the real API and a fake clock, a period whose report is known by construction,
 * and returns the report for it. Every count asserted below is explained here.
 */
async function buildScenario(
  world: TestWorld,
): Promise<{ report: GovernanceReport; from: Date; to: Date }> {
  const deps = world.runtime.deps
  const from = world.clock.now()
  const api = (who: string) => world.as(who)
  const grantOf = async (who: string, id: string) =>
    ok(await api(who).get(`/v1/grants/${id}`), 200).body

  // Break-glass: bob pulls it twice (payments-admin, 10 min); sam reviews the first at once.
  const bg1 = ok(
    await api('bob').post('/v1/breakglass', {
      entitlementId: 'payments-admin',
      incidentRef: 'INC-1',
      reason: BG_REASON,
      duration: '10m',
    }),
  )
  ok(
    await api('bob').post('/v1/breakglass', {
      entitlementId: 'payments-admin',
      incidentRef: 'INC-2',
      reason: BG_REASON,
      duration: '10m',
    }),
  )
  await runDueWork(deps)
  ok(
    await api('sam').post(`/v1/breakglass/${bg1.body.request.id}/review`, {
      verdict: 'justified',
      comment: 'Provider outage, confirmed',
    }),
    200,
  )

  // Denial by policy: alice is not on call.
  expect(
    (
      await api('alice').post('/v1/breakglass', {
        entitlementId: 'orders-write',
        incidentRef: 'INC-3',
        reason: BG_REASON,
      })
    ).status,
  ).toBe(403)

  // Approvals: olivia (owner) approves alice's orders-write after 60 s; alice and bob are refused first.
  const a1 = ok(
    await api('alice').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY }),
  )
  expect(
    (await api('alice').post(`/v1/requests/${a1.body.request.id}/reviews`, { verdict: 'approve' }))
      .status,
  ).toBe(403)
  expect(
    (await api('bob').post(`/v1/requests/${a1.body.request.id}/reviews`, { verdict: 'approve' }))
      .status,
  ).toBe(403)
  world.clock.advance(MINUTE)
  ok(await api('olivia').post(`/v1/requests/${a1.body.request.id}/reviews`, { verdict: 'approve' }))
  // payments-refund: paul (owner) after 2 min, sam (security, not an owner) after 3 min.
  const a2 = ok(
    await api('alice').post('/v1/requests', {
      entitlementId: 'payments-refund',
      justification: WHY,
      ticketRef: 'OPS-1',
    }),
  )
  world.clock.advance(2 * MINUTE)
  ok(await api('paul').post(`/v1/requests/${a2.body.request.id}/reviews`, { verdict: 'approve' }))
  world.clock.advance(MINUTE)
  ok(await api('sam').post(`/v1/requests/${a2.body.request.id}/reviews`, { verdict: 'approve' }))
  // bob's orders-write: olivia approves at once.
  const a4 = ok(
    await api('bob').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY }),
  )
  ok(await api('olivia').post(`/v1/requests/${a4.body.request.id}/reviews`, { verdict: 'approve' }))

  // Denial by a reviewer (bob, payments-refund), a cancellation (alice, payments-admin), and a
  // request left to lapse (sam, orders-write).
  const d1 = ok(
    await api('bob').post('/v1/requests', {
      entitlementId: 'payments-refund',
      justification: WHY,
      ticketRef: 'OPS-2',
    }),
  )
  ok(
    await api('paul').post(`/v1/requests/${d1.body.request.id}/reviews`, {
      verdict: 'deny',
      comment: 'Not your customer',
    }),
  )
  const c1 = ok(
    await api('alice').post('/v1/requests', {
      entitlementId: 'payments-admin',
      justification: WHY,
      ticketRef: 'OPS-3',
    }),
  )
  ok(await api('alice').post(`/v1/requests/${c1.body.request.id}/cancel`), 200)
  ok(await api('sam').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY }))

  // Issue the three approved grants; alice completes hers early; owners end the other two now.
  await runDueWork(deps)
  const g1 = await grantOf(
    'alice',
    a1.body.grant?.id ??
      (await api('alice').get(`/v1/requests/${a1.body.request.id}`)).body.grant.id,
  )
  ok(await api('alice').post(`/v1/grants/${g1.id}/complete`), 200)
  const g2 = (await api('alice').get(`/v1/requests/${a2.body.request.id}`)).body.grant
  ok(await api('paul').post(`/v1/grants/${g2.id}/revoke`), 200)
  const g4 = (await api('bob').get(`/v1/requests/${a4.body.request.id}`)).body.grant
  ok(await api('olivia').post(`/v1/grants/${g4.id}/revoke`), 200)

  // The break-glass grants are revoked exactly at their expiry (lag 0).
  const bgGrant = await grantOf('bob', bg1.body.grant.id)
  world.clock.set(new Date(bgGrant.expiresAt))
  await runDueWork(deps)

  // Ten orders-read grants, 10 s apart, each revoked with its chosen lag; the last one is never
  // picked up (expired unused).
  const readIds: string[] = []
  for (let i = 0; i < LAGS.length; i++) {
    const r = ok(
      await api('alice').post('/v1/requests', {
        entitlementId: 'orders-read',
        justification: WHY,
        duration: '1h',
      }),
    )
    await runDueWork(deps)
    readIds.push(r.body.grant.id)
    if (i < LAGS.length - 1)
      ok(await api('alice').post(`/v1/grants/${r.body.grant.id}/credential`), 200)
    world.clock.advance(10 * SECOND)
  }
  for (const [i, id] of readIds.entries()) {
    const g = await grantOf('alice', id)
    world.clock.set(new Date(Date.parse(g.expiresAt) + (LAGS[i] ?? 0)))
    expect(await runDueWork(deps)).toMatchObject({ revoked: 1 })
  }

  // An exception lets alice's next orders-write through without review (one use).
  ok(
    await api('olivia').post('/v1/exceptions', {
      scope: { identityId: 'alice', entitlementId: 'orders-write' },
      reason: 'Alice runs the spring migration clean-up',
      for: '7d',
    }),
  )
  const e1 = ok(
    await api('alice').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY }),
  )
  expect(e1.body.request.state).toBe('approved')
  await runDueWork(deps)

  // A day later: sam's request lapses, INC-2 is overdue for review.
  world.clock.advance(DAY + MINUTE)
  await runDueWork(deps)
  const exceptionGrant = await grantOf('alice', e1.body.grant.id)
  expect(exceptionGrant.state).toBe('revoked')

  // A 5-minute orders-read grant that expires with no worker run before the end: overdue.
  ok(
    await api('bob').post('/v1/requests', {
      entitlementId: 'orders-read',
      justification: WHY,
      duration: '5m',
    }),
  )
  await runDueWork(deps)
  world.clock.advance(6 * MINUTE)
  const to = new Date(world.clock.now().getTime() + 1)
  const res = ok(
    await api('admin').get(
      `/v1/reports/governance?from=${from.toISOString()}&to=${to.toISOString()}`,
    ),
    200,
  )
  return { report: res.body as GovernanceReport, from, to }
}

function describeReport(
  name: string,
  start: () => Promise<{ world: TestWorld; done: () => Promise<void> }>,
) {
  describe(`governance report (${name})`, () => {
    let world: TestWorld
    let done: () => Promise<void>
    let report: GovernanceReport

    beforeAll(async () => {
      ;({ world, done } = await start())
      report = (await buildScenario(world)).report
    }, 120_000)
    afterAll(async () => {
      await done()
    })

    it('revocation lag of the ten orders-read grants: known percentiles and buckets', () => {
      const read = report.byEntitlement['orders-read']?.revocation
      expect(read?.lag).toEqual({ count: 10, p50Ms: 50, p95Ms: 1000, p99Ms: 1000, maxMs: 1000 })
      expect(read?.histogram.slice(0, 3)).toEqual([
        { leMs: 10, count: 1 },
        { leMs: 50, count: 4 },
        { leMs: 100, count: 4 },
      ])
      expect(read?.histogram.find((b) => b.leMs === 1000)?.count).toBe(1)
      expect(read?.overdue).toBe(1)
      // Overall adds five zero lags (two break-glass at expiry, one completion, two manual ends)
      // and the exception's grant, revoked by the first worker run a day and a minute after it
      // was issued for an hour.
      expect(report.overall.revocation.lag).toEqual({
        count: 16,
        p50Ms: 30,
        p95Ms: 82_860_000,
        p99Ms: 82_860_000,
        maxMs: DAY + MINUTE - HOUR,
      })
      expect(report.overall.revocation.overdue).toBe(1)
      expect(report.overall.revocation.irrevocable).toBe(0)
      expect(report.overall.revocation.residual.count).toBe(0)
    })

    it('requested vs granted vs used, and a denial of each kind', () => {
      const q = report.overall.requests
      expect(q.deniedByReason).toEqual({ policy: 1, reviewer: 1, expired: 1, cancelled: 1 })
      expect(q.denied).toBe(4)
      // 2 break-glass + 3 reviewed + 1 denied + 1 cancelled + 1 lapsed + 10 read + 1 exception + 1 overdue read + alice's refused break-glass
      expect(q.submitted).toBe(21)
      expect(q.completedEarly).toBe(1)
      // Never picked up: both break-glass grants, the last timed read, the exception's grant and
      // the overdue read (expired, not yet revoked).
      expect(q.expiredUnused).toBe(5)
      expect(report.byEntitlement['orders-read']?.requests.expiredUnused).toBe(2)
      expect(report.byEntitlement['orders-read']?.requests.grantedSeconds).toMatchObject({
        count: 11,
        maxMs: HOUR,
        p50Ms: HOUR,
      })
      expect(report.byEntitlement['orders-read']?.requests.requestedSeconds).toMatchObject({
        count: 11,
        p50Ms: HOUR,
      })
    })

    it('reviewers: 3 owner approvals out of 4, latencies, blocked attempts by rule', () => {
      const r = report.overall.reviewers
      expect(r).toMatchObject({
        approvals: 4,
        ownerApprovals: 3,
        ownershipMatch: 0.75,
        blockedAttempts: 2,
      })
      expect(r.blockedByRule).toEqual({
        'review.self_review_forbidden': 1,
        'review.not_eligible': 1,
      })
      // 60 s, 2 min, 3 min and 0: nearest rank p50 is the 2nd of 4.
      expect(r.approvalLatency).toEqual({
        count: 4,
        p50Ms: MINUTE,
        p95Ms: 3 * MINUTE,
        p99Ms: 3 * MINUTE,
        maxMs: 3 * MINUTE,
      })
      expect(report.byRiskTier.high?.reviewers.ownershipMatch).toBe(0.5)
      expect(report.byTarget['orders-api']?.reviewers.ownershipMatch).toBe(1)
    })

    it('time to access by risk tier', () => {
      expect(report.byRiskTier.low?.timeToAccess).toMatchObject({ count: 11, maxMs: 0 })
      expect(report.byRiskTier.high?.timeToAccess).toMatchObject({ count: 1, maxMs: 3 * MINUTE })
    })

    it('break-glass: one reviewed in time, one overdue; exceptions; coverage without reconciliation', () => {
      expect(report.breakGlass).toEqual({
        uses: 2,
        reviewed: 1,
        reviewedInTime: 1,
        reviewedInTimeShare: 0.5,
        overdue: 1,
      })
      expect(report.exceptions.active).toBe(1)
      expect(report.exceptions.used).toBe(1)
      expect(report.exceptions.ratePer100Grants).toBeCloseTo(
        (1 / report.overall.requests.granted) * 100,
      )
      expect(report.coverage).toMatchObject({ observed: 0, share: null, shadow: 0 })
    })

    it('validates its period, and only admins and security read it', async () => {
      const get = (who: string, q: string) => world.as(who).get(`/v1/reports/governance${q}`)
      for (const q of [
        '?from=yesterday',
        '?from=2026-11-02&to=2026-11-01',
        '?from=2024-01-01&to=2026-01-01',
        '?to=2026-02-30T00:00:00Z',
      ]) {
        const r = await get('admin', q)
        expect([q, r.status, r.body.error?.code]).toEqual([q, 400, 'input.invalid'])
      }
      expect((await get('sam', '')).status).toBe(200)
      expect((await get('alice', '')).body.error.code).toBe('auth.forbidden')
      expect((await get('olivia', '')).status).toBe(403)
      const defaulted = (await get('admin', '')).body as GovernanceReport
      expect(Date.parse(defaulted.period.to) - Date.parse(defaulted.period.from)).toBe(30 * DAY)
      expect(defaulted.generatedAt).toBe(world.clock.now().toISOString())
    })
  })
}

describeReport('SQLite', async () => {
  const world = await startTestWorld()
  return { world, done: () => world.close() }
})

const base = pgUrlOrSkip()
describe.skipIf(!base)('on PostgreSQL', () => {
  describeReport('PostgreSQL', async () => {
    const db = await freshPgDatabase(base ?? '')
    const world = await startTestWorld({ databaseUrl: db.url })
    return {
      world,
      done: async () => {
        await world.close()
        await db.drop()
      },
    }
  })
})
