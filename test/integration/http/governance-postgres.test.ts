import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectExceptionDrift } from '../../../src/app/detect-exception-drift.js'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const base = pgUrlOrSkip()
const DAY = 86_400_000

/** The governance queries (counts, open-ended scopes, atomic increments) on PostgreSQL too. */
describe.skipIf(!base)('governance on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> }
  let world: TestWorld

  beforeAll(async () => {
    db = await freshPgDatabase(base!)
    world = await startTestWorld({ databaseUrl: db.url })
  })
  afterAll(async () => {
    await world.close()
    await db.drop()
  })

  it('break-glass: rate limit, overdue queue, escalation and block', async () => {
    const use = (n: number) =>
      world.as('bob').post('/v1/breakglass', {
        entitlementId: 'orders-write',
        incidentRef: `INC-${n}`,
        reason: 'Checkout is down for every customer; draining the queue',
      })
    for (const n of [1, 2, 3]) expect((await use(n)).status).toBe(201)
    expect((await use(4)).body.error.code).toBe('breakglass.rate_limited')
    await runDueWork(world.runtime.deps)
    world.clock.advance(DAY)
    await world.runtime.engine.sweep()
    const overdue = await world.as('sam').get('/v1/breakglass/reviews?state=overdue')
    expect(overdue.body.items).toHaveLength(3)
    const escalated = (await world.runtime.deps.store.audit.list({ limit: 10_000 })).filter(
      (e) => e.type === 'breakglass.review_overdue',
    )
    expect(escalated).toHaveLength(3)
    expect((await use(5)).body.error.code).toBe('breakglass.review_overdue')
  })

  it('exceptions: applied, counted, linked, and drift by share', async () => {
    const exc = await world.as('olivia').post('/v1/exceptions', {
      scope: { identityId: 'alice', entitlementId: 'orders-write' },
      reason: 'Alice runs the spring migration clean-up',
      for: '7d',
    })
    for (let i = 0; i < 4; i++) {
      const r = await world
        .as('alice')
        .post('/v1/requests', {
          entitlementId: 'orders-write',
          justification: 'Spring migration clean-up (OPS-77)',
        })
      expect(r.body.request.state).toBe('approved')
    }
    const seen = await world.as('olivia').get(`/v1/exceptions/${exc.body.id}`)
    expect(seen.body.uses).toBe(4)
    expect(seen.body.usedBy.every((u: { grantId: string | null }) => u.grantId !== null)).toBe(true)
    expect(await detectExceptionDrift(world.runtime.deps)).toBe(1)
  })
})
