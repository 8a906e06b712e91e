import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import type { AccessRequest } from '../../../src/domain/access-request.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
beforeEach(async () => {
  world = await startTestWorld()
})
afterEach(async () => {
  await world.close()
})

const REASON = 'Orders API is rejecting every checkout; need write access to drain the queue'
const HOUR = 3_600_000
const DAY = 24 * HOUR

function breakGlass(who: string, body: Record<string, unknown> = {}) {
  return world
    .as(who)
    .post('/v1/breakglass', {
      entitlementId: 'orders-write',
      incidentRef: 'INC-42',
      reason: REASON,
      ...body,
    })
}

async function events(type: string) {
  return (await world.runtime.deps.store.audit.list({ limit: 10_000 })).filter(
    (e) => e.type === type,
  )
}

async function metric(name: string): Promise<number> {
  const text = await (await world.runtime.app.request('/metrics')).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return Number(line?.split(' ')[1])
}

describe('break-glass: who, what and how long', () => {
  it('refuses someone who is not on call, and records the refusal', async () => {
    const r = await breakGlass('alice')
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'request.denied_by_policy' } } })
    const denied = await events('request.denied_by_policy')
    expect(denied.at(-1)?.data).toMatchObject({ breakGlass: true, incidentRef: 'INC-42' })
    expect(await world.runtime.deps.store.grants.list({ subjectId: 'alice' })).toHaveLength(0)
  })

  it('needs an incident reference and a real reason, each with its own code', async () => {
    expect(await breakGlass('bob', { incidentRef: undefined })).toMatchObject({
      status: 400,
      body: { error: { code: 'breakglass.incident_required' } },
    })
    expect((await breakGlass('bob', { incidentRef: 'INC 42; rm -rf' })).body.error.code).toBe(
      'breakglass.incident_required',
    )
    expect(await breakGlass('bob', { reason: 'it is broken' })).toMatchObject({
      status: 400,
      body: { error: { code: 'breakglass.reason_required' } },
    })
    expect(await world.runtime.deps.store.grants.list({ subjectId: 'bob' })).toHaveLength(0)
  })

  it('grants at once, without review, capped to the policy maximum, marked everywhere', async () => {
    const used: AccessRequest[] = []
    const original = world.runtime.deps.signals
    world.runtime.deps.signals = { ...original, breakGlassUsed: (r) => used.push(r) }

    const r = await breakGlass('bob', { duration: '4h' })
    expect(r.status).toBe(201)
    expect(r.body.request).toMatchObject({
      state: 'approved',
      breakGlass: true,
      incidentRef: 'INC-42',
      durationSeconds: 3600,
    })
    expect(r.body.grant).toMatchObject({ state: 'scheduled', breakGlass: true })
    expect(used.map((u) => u.id)).toEqual([r.body.request.id])

    await runDueWork(world.runtime.deps)
    const grant = await world.as('bob').get(`/v1/grants/${r.body.grant.id}`)
    expect(grant.body).toMatchObject({ state: 'active', breakGlass: true })
    expect(Date.parse(grant.body.expiresAt) - Date.parse(grant.body.startsAt)).toBe(HOUR)
    const request = await world.as('sam').get(`/v1/requests/${r.body.request.id}`)
    expect(request.body).toMatchObject({ breakGlass: true, incidentRef: 'INC-42', reviews: [] })

    // Owners and security are told at once; the user is not their own notifier.
    const [event] = await events('breakglass.used')
    expect(event).toMatchObject({
      actor: 'bob',
      requestId: r.body.request.id,
      grantId: r.body.grant.id,
    })
    expect(event?.data).toMatchObject({
      notified: ['olivia', 'sam'],
      incidentRef: 'INC-42',
      durationSeconds: 3600,
      askedSeconds: 14_400,
    })
  })
})

describe('break-glass: the post-use review', () => {
  it('must come from someone else who is accountable; the verdict is final', async () => {
    const r = await breakGlass('bob')
    const id: string = r.body.request.id
    const queue = await world.as('sam').get('/v1/breakglass/reviews?state=pending')
    expect(queue.body.items.map((i: { requestId: string }) => i.requestId)).toEqual([id])

    const self = await world
      .as('bob')
      .post(`/v1/breakglass/${id}/review`, { verdict: 'justified', comment: 'was needed' })
    expect(self).toMatchObject({
      status: 403,
      body: { error: { code: 'review.self_review_forbidden' } },
    })
    const stranger = await world
      .as('alice')
      .post(`/v1/breakglass/${id}/review`, { verdict: 'justified', comment: 'looks ok' })
    expect(stranger.body.error.code).toBe('review.not_eligible')

    const ok = await world
      .as('sam')
      .post(`/v1/breakglass/${id}/review`, { verdict: 'justified', comment: 'INC-42 confirmed' })
    expect(ok).toMatchObject({
      status: 200,
      body: { review: { state: 'done', verdict: 'justified', reviewerId: 'sam' } },
    })
    const again = await world
      .as('olivia')
      .post(`/v1/breakglass/${id}/review`, { verdict: 'unjustified', comment: 'not needed' })
    expect(again).toMatchObject({
      status: 409,
      body: { error: { code: 'breakglass.already_reviewed' } },
    })
    expect(
      (await world.as('sam').get('/v1/breakglass/reviews?state=done')).body.items,
    ).toHaveLength(1)
    const rejected = (await events('review.rejected')).map((e) => e.data.code)
    expect(rejected).toEqual(['review.self_review_forbidden', 'review.not_eligible'])
  })

  it('an unjustified use loses its access at once', async () => {
    const r = await breakGlass('bob')
    await runDueWork(world.runtime.deps)
    const verdict = await world.as('olivia').post(`/v1/breakglass/${r.body.request.id}/review`, {
      verdict: 'unjustified',
      comment: 'no incident matched',
    })
    expect(verdict.body.revoked).toEqual([r.body.grant.id])
    expect((await world.as('bob').get(`/v1/grants/${r.body.grant.id}`)).body).toMatchObject({
      state: 'revoked',
      revokeReason: 'manual',
    })
  })

  it('escalates once when overdue, and blocks the user until it is reviewed', async () => {
    const r = await breakGlass('bob')
    await runDueWork(world.runtime.deps)
    expect(await metric('hourglass_breakglass_reviews_overdue')).toBe(0)
    world.clock.advance(DAY)
    await world.runtime.engine.sweep()
    await world.runtime.engine.sweep()

    const escalations = await events('breakglass.review_overdue')
    expect(escalations).toHaveLength(1)
    expect(escalations[0]).toMatchObject({ requestId: r.body.request.id, data: { userId: 'bob' } })
    expect(await metric('hourglass_breakglass_reviews_overdue')).toBe(1)
    const overdue = await world.as('sam').get('/v1/breakglass/reviews?state=overdue')
    expect(overdue.body.items).toMatchObject([{ requestId: r.body.request.id, state: 'overdue' }])

    const blocked = await breakGlass('bob', { incidentRef: 'INC-43' })
    expect(blocked).toMatchObject({
      status: 403,
      body: { error: { code: 'breakglass.review_overdue' } },
    })
    expect((await events('breakglass.refused')).map((e) => e.data.code)).toEqual([
      'breakglass.review_overdue',
    ])

    await world
      .as('sam')
      .post(`/v1/breakglass/${r.body.request.id}/review`, {
        verdict: 'justified',
        comment: 'late but fine',
      })
    expect(await metric('hourglass_breakglass_reviews_overdue')).toBe(0)
    expect((await breakGlass('bob', { incidentRef: 'INC-43' })).status).toBe(201)
  })

  it('allows at most three uses per user in 24 hours', async () => {
    const ids: string[] = []
    for (const n of [1, 2, 3]) {
      const r = await breakGlass('bob', { incidentRef: `INC-${n}` })
      expect(r.status).toBe(201)
      ids.push(r.body.request.id)
      world.clock.advance(HOUR)
    }
    const fourth = await breakGlass('bob', { incidentRef: 'INC-4' })
    expect(fourth).toMatchObject({
      status: 429,
      body: { error: { code: 'breakglass.rate_limited' } },
    })
    for (const id of ids)
      await world
        .as('sam')
        .post(`/v1/breakglass/${id}/review`, {
          verdict: 'justified',
          comment: 'incident confirmed',
        })
    // The first use leaves the 24-hour window: one more is allowed.
    world.clock.advance(DAY - 3 * HOUR + 1)
    expect((await breakGlass('bob', { incidentRef: 'INC-5' })).status).toBe(201)
  })
})
