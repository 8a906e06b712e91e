import { describe, expect, it } from 'vitest'
import { after, MINUTE, T0, uniqueId } from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

/** Heartbeats of lifecycle engines: who is live is whoever beat since a time (docs/architecture.md). */
export function describeLifecycleNodeContract(ctx: StoreContext): void {
  describe('lifecycle nodes', () => {
    /** Only this test's nodes: the suite's database is shared. */
    async function live(ids: readonly string[], since: Date): Promise<string[]> {
      return (await ctx.store().lifecycleNodes.listLive(since)).filter((id) => ids.includes(id))
    }

    it('a heartbeat inserts the node once and moves it forward; silence ages it out', async () => {
      const [a, b] = [uniqueId('node-b'), uniqueId('node-a')] as const
      const nodes = ctx.store().lifecycleNodes
      await nodes.beat(a, T0)
      await nodes.beat(b, T0)
      expect(await live([a, b], T0)).toEqual([a, b].sort())
      await nodes.beat(a, after(MINUTE))
      // b's last beat is older than `since`: it is no longer live.
      expect(await live([a, b], after(MINUTE / 2))).toEqual([a])
      // Another process sees the same rows.
      const other = await ctx.open()
      expect((await other.lifecycleNodes.listLive(after(MINUTE))).filter((id) => id === a || id === b)).toEqual([a])
    })

    it('leave removes the node at once; forgetSilentSince removes only the silent', async () => {
      const [a, b] = [uniqueId('node'), uniqueId('node')] as const
      const nodes = ctx.store().lifecycleNodes
      await nodes.beat(a, after(2 * MINUTE))
      await nodes.beat(b, after(3 * MINUTE))
      await nodes.leave(a)
      expect(await live([a, b], T0)).toEqual([b])
      await nodes.beat(a, after(MINUTE))
      expect(await nodes.forgetSilentSince(after(2 * MINUTE))).toBeGreaterThanOrEqual(1)
      expect(await live([a, b], T0)).toEqual([b])
      // Leaving twice, or without a row, is harmless.
      await nodes.leave(a)
    })

    it('sorts workerIds by code unit, whatever the database collation', async () => {
      const tag = uniqueId('n')
      const ids = [`${tag}-b`, `${tag}-B`, `${tag}-a`, `${tag}_a`, `${tag}-10`, `${tag}-9`]
      for (const id of ids) await ctx.store().lifecycleNodes.beat(id, after(4 * MINUTE))
      expect(await live(ids, after(4 * MINUTE))).toEqual([...ids].sort())
    })
  })
}
