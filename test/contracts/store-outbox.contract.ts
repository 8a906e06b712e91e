import { describe, expect, it } from 'vitest'
import type { OutboxMessage } from '../../src/domain/outbox.js'
import { after, MINUTE, T0, uniqueId } from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

function aMessage(overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: uniqueId('ntf'),
    kind: 'request.approved',
    channel: 'email',
    recipient: 'alice@example.com',
    payload: { to: 'alice@example.com', subject: 'Approved', text: 'ok ✓' },
    state: 'pending',
    createdAt: T0,
    attempts: 0,
    nextAttemptAt: T0,
    deliveredAt: null,
    lastError: null,
    dedupeKey: uniqueId('dedupe'),
    version: 1,
    ...overrides,
  }
}

/** The notification outbox: queued in transactions, claimed by compare-and-swap. */
export function describeOutboxContract(ctx: StoreContext): void {
  describe('outbox', () => {
    it('round-trips every field; a second message with the same dedupe key is not queued', async () => {
      const m = aMessage({ attempts: 2, lastError: 'HTTP 503', nextAttemptAt: after(MINUTE) })
      expect(await ctx.store().outbox.enqueue(m)).toBe(true)
      expect(await ctx.store().outbox.get(m.id)).toEqual(m)
      const twin = aMessage({ dedupeKey: m.dedupeKey })
      expect(await ctx.store().outbox.enqueue(twin)).toBe(false)
      expect(await ctx.store().outbox.get(twin.id)).toBeNull()
    })

    it('a duplicate inside a transaction does not abort it', async () => {
      const m = aMessage()
      const other = aMessage()
      await ctx.store().transaction(async (tx) => {
        expect(await tx.outbox.enqueue(m)).toBe(true)
        expect(await tx.outbox.enqueue({ ...aMessage(), dedupeKey: m.dedupeKey })).toBe(false)
        expect(await tx.outbox.enqueue(other)).toBe(true)
      })
      expect(await ctx.store().outbox.get(other.id)).not.toBeNull()
    })

    it('lists due pending messages oldest first, never delivered, dead or future ones', async () => {
      const now = after(10 * MINUTE)
      const late = aMessage({ nextAttemptAt: after(2 * MINUTE) })
      const early = aMessage({ nextAttemptAt: after(MINUTE) })
      const future = aMessage({ nextAttemptAt: after(11 * MINUTE) })
      const done = aMessage({ state: 'delivered', nextAttemptAt: null, deliveredAt: after(MINUTE) })
      const dead = aMessage({ state: 'dead', nextAttemptAt: null, lastError: 'gone' })
      for (const m of [late, early, future, done, dead]) await ctx.store().outbox.enqueue(m)
      const mine = new Set([late, early, future, done, dead].map((m) => m.id))
      const due = (await ctx.store().outbox.listDue(now, 100_000)).filter((m) => mine.has(m.id))
      expect(due.map((m) => m.id)).toEqual([early.id, late.id])
      const dlq = await ctx.store().outbox.list({ states: ['dead'], limit: 100_000 })
      expect(dlq.map((m) => m.id)).toContain(dead.id)
      expect(dlq.every((m) => m.state === 'dead')).toBe(true)
    })

    it('updates with compare-and-swap: of two claims, one wins', async () => {
      const m = aMessage()
      await ctx.store().outbox.enqueue(m)
      const claim = { ...m, attempts: 1, nextAttemptAt: after(MINUTE) }
      const results = await Promise.all([
        ctx.store().outbox.update(claim, 1),
        ctx.store().outbox.update(claim, 1),
      ])
      expect(results.sort()).toEqual([false, true])
      expect(await ctx.store().outbox.get(m.id)).toMatchObject({ attempts: 1, version: 2 })
      expect(await ctx.store().outbox.update({ ...claim, state: 'delivered' }, 1)).toBe(false)
    })
  })
}
