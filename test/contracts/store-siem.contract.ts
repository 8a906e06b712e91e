import { describe, expect, it } from 'vitest'
import { newSiemCursor, type SiemCursor } from '../../src/domain/siem-cursor.js'
import { after, MINUTE, T0, uniqueId } from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

/** SIEM sink cursors: created once, moved only by compare-and-swap (the lease and the ack). */
export function describeSiemCursorContract(ctx: StoreContext): void {
  describe('siem cursors', () => {
    it('round-trips every field; ensure never overwrites an existing cursor', async () => {
      const sink = uniqueId('sink').replace(/[^a-z0-9_-]/g, '-')
      const created = await ctx.store().siemCursors.ensure(newSiemCursor(sink))
      expect(created).toEqual(newSiemCursor(sink))
      const moved: SiemCursor = {
        ...created,
        ackedSeq: 9_007_199_254,
        leaseOwner: 'host:1:abc',
        leaseUntil: after(MINUTE),
        failures: 2,
        nextAttemptAt: after(2 * MINUTE),
        lastError: 'SIEM sink example.com answered HTTP 503',
        lastErrorAt: T0,
        lastSuccessAt: T0,
      }
      expect(await ctx.store().siemCursors.update(moved, created.version)).toBe(true)
      const stored = { ...moved, version: created.version + 1 }
      expect(await ctx.store().siemCursors.get(sink)).toEqual(stored)
      expect(await ctx.store().siemCursors.ensure(newSiemCursor(sink))).toEqual(stored)
      expect((await ctx.store().siemCursors.list()).find((c) => c.sink === sink)).toEqual(stored)
    })

    it('of two processes racing for the same version, exactly one wins', async () => {
      const sink = uniqueId('race').replace(/[^a-z0-9_-]/g, '-')
      const other = await ctx.open()
      const c = await ctx.store().siemCursors.ensure(newSiemCursor(sink))
      const [a, b] = await Promise.all([
        ctx.store().siemCursors.update({ ...c, leaseOwner: 'a', leaseUntil: after(MINUTE) }, c.version),
        other.siemCursors.update({ ...c, leaseOwner: 'b', leaseUntil: after(MINUTE) }, c.version),
      ])
      expect([a, b].filter(Boolean)).toHaveLength(1)
      expect((await other.siemCursors.get(sink))?.leaseOwner).toBe(a ? 'a' : 'b')
    })
  })
}
