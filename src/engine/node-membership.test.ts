import { describe, expect, it } from 'vitest'
import type { LifecycleNodeRepository } from '../storage/store.js'
import { FakeClock } from '../../test/support/fake-clock.js'
import { NodeMembership, nodeSilenceMs } from './node-membership.js'

/** lifecycle_nodes in memory, with the repository's meaning (the store contract tests the real ones). */
function memoryNodes(): LifecycleNodeRepository & { rows: Map<string, number>; down: boolean } {
  const rows = new Map<string, number>()
  const self = {
    rows,
    down: false,
    check() {
      if (self.down) throw new Error('database down')
    },
    beat(workerId: string, at: Date) {
      self.check()
      rows.set(workerId, at.getTime())
      return Promise.resolve()
    },
    listLive(since: Date) {
      self.check()
      return Promise.resolve([...rows].filter(([, t]) => t >= since.getTime()).map(([id]) => id).sort())
    },
    leave(workerId: string) {
      self.check()
      rows.delete(workerId)
      return Promise.resolve()
    },
    forgetSilentSince(before: Date) {
      self.check()
      const gone = [...rows].filter(([, t]) => t < before.getTime())
      for (const [id] of gone) rows.delete(id)
      return Promise.resolve(gone.length)
    },
  }
  return self
}

const LEASE = 30_000

describe('NodeMembership', () => {
  it('the silence limit is 3 s, never longer than the lease; beats come three times within it', () => {
    expect(nodeSilenceMs(30_000)).toBe(3_000)
    expect(nodeSilenceMs(1_000)).toBe(1_000)
    const m = new NodeMembership(memoryNodes(), new FakeClock(), { workerId: 'a', leaseMs: LEASE })
    expect(m.beatIntervalMs).toBe(1_000)
  })

  it('a beat records the node and reads the live set; silence past the limit drops a node', async () => {
    const nodes = memoryNodes()
    const clock = new FakeClock()
    let lost = 0
    const a = new NodeMembership(nodes, clock, { workerId: 'a', leaseMs: LEASE, onNodeLost: () => lost++ })
    // Before any beat, a node counts only itself: it owns everything.
    expect(a.share.nodes).toEqual(['a'])
    await nodes.beat('b', clock.now())
    await a.beat()
    expect(nodes.rows.get('a')).toBe(clock.now().getTime())
    expect(a.share.nodes).toEqual(['a', 'b'])
    expect(a.share.alone).toBe(false)

    clock.advance(3_000)
    await a.beat()
    expect(a.share.nodes).toEqual(['a', 'b'])
    expect(lost).toBe(0)
    clock.advance(1)
    await a.refresh()
    expect(a.share.nodes).toEqual(['a'])
    expect(lost).toBe(1)
    // b beats again: back in the split; a join is no loss.
    await nodes.beat('b', clock.now())
    await a.refresh()
    expect(a.share.nodes).toEqual(['a', 'b'])
    expect(lost).toBe(1)
  })

  it('a node counts itself live even when its own heartbeat is old (its clock, its row)', async () => {
    const nodes = memoryNodes()
    const clock = new FakeClock()
    const a = new NodeMembership(nodes, clock, { workerId: 'a', leaseMs: LEASE })
    await a.beat()
    clock.advance(60_000)
    expect((await a.refresh()).nodes).toEqual(['a'])
  })

  it('start prunes nodes silent for 100 leases and beats; leave removes the row', async () => {
    const nodes = memoryNodes()
    const clock = new FakeClock()
    await nodes.beat('ancient', new Date(clock.now().getTime() - 100 * LEASE - 1))
    await nodes.beat('recent', new Date(clock.now().getTime() - 60_000))
    const a = new NodeMembership(nodes, clock, { workerId: 'a', leaseMs: LEASE })
    await a.start(() => undefined)
    expect([...nodes.rows.keys()].sort()).toEqual(['a', 'recent'])
    await a.leave()
    expect([...nodes.rows.keys()]).toEqual(['recent'])
    expect(a.share.nodes).toEqual(['a'])
  })

  it('start with the database down reports the error and does not throw', async () => {
    const nodes = memoryNodes()
    nodes.down = true
    const errors: unknown[] = []
    const a = new NodeMembership(nodes, new FakeClock(), { workerId: 'a', leaseMs: LEASE })
    await a.start((e) => errors.push(e))
    expect(errors).toHaveLength(1)
    expect(a.share.nodes).toEqual(['a'])
    nodes.down = false
    await a.leave()
  })
})
