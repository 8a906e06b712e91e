import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
beforeEach(async () => {
  world = await startTestWorld()
})
afterEach(async () => {
  await world.close()
})

const HOUR = 3_600_000
const events = async (query: string) => world.as('admin').get(`/v1/audit/events?${query}`)

describe('GET /v1/audit/events by actor and time window', () => {
  it('returns only the actor’s events inside [from, to)', async () => {
    const first = await world.as('alice').post('/v1/requests', {
      entitlementId: 'orders-write',
      justification: 'Fix stuck order 42 for the filter test',
    })
    expect(first.status).toBe(201)
    world.clock.advance(HOUR)
    const from = world.clock.now().toISOString()
    await world.as('alice').post(`/v1/requests/${first.body.request.id}/cancel`, {})
    world.clock.advance(HOUR)
    const to = world.clock.now().toISOString()
    await world.as('alice').post('/v1/requests', {
      entitlementId: 'orders-write',
      justification: 'Fix stuck order 43 for the filter test',
    })

    const alice = await events('actor=alice')
    expect(alice.status).toBe(200)
    expect(alice.body.items.length).toBeGreaterThanOrEqual(3)
    expect(new Set(alice.body.items.map((e: { actor: string }) => e.actor))).toEqual(
      new Set(['alice']),
    )

    const window = await events(
      `actor=alice&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    )
    expect(window.body.items.map((e: { type: string }) => e.type)).toEqual(['request.cancelled'])
    expect((await events('actor=nobody')).body.items).toEqual([])
  })

  it.each([
    ['from after to', `from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`],
    ['from equal to to', `from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`],
    ['a time without a zone', `from=2026-01-01T00:00:00`],
    ['a word for a time', `to=yesterday`],
    ['an actor with spaces', `actor=${encodeURIComponent('alice smith')}`],
  ])('refuses %s with input.invalid', async (_, query) => {
    const res = await events(query)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('input.invalid')
  })
})
