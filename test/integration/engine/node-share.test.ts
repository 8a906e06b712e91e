import { describe, expect, it } from 'vitest'
import type { AppDeps } from '../../../src/app/deps.js'
import { verifyAuditChain, type AuditEvent } from '../../../src/domain/audit-event.js'
import { RevocationShare } from '../../../src/domain/revocation-share.js'
import { LifecycleEngine } from '../../../src/engine/lifecycle-engine.js'
import { nodeSilenceMs } from '../../../src/engine/node-membership.js'
import { seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { BOTH_ENGINES, worldOn } from '../../support/engine-worlds.js'

/*
 * Issue 7: two live nodes split the due grants by their heartbeats (lifecycle_nodes) instead of
 * both queueing every expiry and racing for each claim. Each revokes exactly its rendezvous
 * share; a node that leaves hands its share over at once, and a node that stops beating loses
 * it once its silence passes the limit (3 s, well inside the lease).
 */

const FIRST = 400
const SECOND = 300

describe.each(BOTH_ENGINES)('two nodes share the due revocations (%s)', (engine) => {
  const engines: LifecycleEngine[] = []
  const on = worldOn(engine, async () => {
    for (const e of engines) await e.stop()
  })

  function node(workerId: string): LifecycleEngine {
    const { deps } = on.world.runtime
    const nodeDeps: AppDeps = { ...deps, settings: { ...deps.settings, workerId } }
    // Sweeps only when the test says, so it decides when each node reads the live set.
    const e = new LifecycleEngine(nodeDeps, { sweepIntervalMs: 3_600_000, horizonMs: 600_000, concurrency: 4 })
    engines.push(e)
    return e
  }

  async function revokedCount(): Promise<number> {
    return (await on.world.runtime.deps.store.grants.countByState()).revoked ?? 0
  }

  async function waitForRevoked(n: number): Promise<void> {
    const deadline = Date.now() + 60_000
    while ((await revokedCount()) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(await revokedCount()).toBe(n)
  }

  /** The grants each actor revoked, from the audit log. */
  async function revokedBy(): Promise<{ events: AuditEvent[]; by: Map<string, Set<string>> }> {
    const events = await on.world.runtime.deps.store.audit.list({ limit: 100_000 })
    const by = new Map<string, Set<string>>()
    for (const e of events) {
      if (e.type !== 'grant.revoked' || !e.grantId) continue
      const set = by.get(e.actor) ?? new Set<string>()
      set.add(e.grantId)
      by.set(e.actor, set)
    }
    return { events, by }
  }

  it.skipIf(on.skip)('each node revokes exactly its share, and takes over a leaving or silent node’s', async () => {
    const { deps } = on.world.runtime
    const { store } = deps
    const clock = on.world.clock
    const now = clock.now().getTime()
    const a = node('node-a')
    const b = node('node-b')
    // Both already beating when the grants come due, as two running nodes are.
    await store.lifecycleNodes.beat('node-a', clock.now())
    await store.lifecycleNodes.beat('node-b', clock.now())
    const first = await seedActiveGrants(store, deps.ids, FIRST, new Date(now - 60_000), (i) => new Date(now - 30_000 + i))
    await Promise.all([a.start(), b.start()])
    await waitForRevoked(FIRST)

    const pair = new RevocationShare('node-a', ['node-b'])
    const { events, by } = await revokedBy()
    const mineA = first.filter((g) => pair.ownerOf(g) === 'node-a')
    expect(by.get('system:node-a')).toEqual(new Set(mineA))
    expect(by.get('system:node-b')).toEqual(new Set(first.filter((g) => pair.ownerOf(g) === 'node-b')))
    expect(mineA.length).toBeGreaterThan(FIRST / 4)
    expect(mineA.length).toBeLessThan((3 * FIRST) / 4)
    // Each grant revoked once, by its owner (jwt grants are revoked in one transaction, without
    // a separate claim: a node racing for another's grant would have found it gone, or won it).
    expect(events.filter((e) => e.type === 'grant.revoked')).toHaveLength(FIRST)

    // A leaves cleanly; C beats once and then goes silent (a crashed node that held no claims).
    await a.stop()
    expect(await store.lifecycleNodes.listLive(new Date(0))).toEqual(['node-b'])
    await store.lifecycleNodes.beat('node-c', clock.now())
    const t = clock.now().getTime()
    const second = await seedActiveGrants(store, deps.ids, SECOND, new Date(t - 60_000), (i) => new Date(t - 30_000 + i))
    await b.sweep()
    const withC = new RevocationShare('node-b', ['node-c'])
    const mineB = second.filter((g) => withC.owns(g))
    await waitForRevoked(FIRST + mineB.length)
    // Give a wrong take-over of C's share the time to show.
    await new Promise((r) => setTimeout(r, 500))
    expect(await revokedCount()).toBe(FIRST + mineB.length)
    expect(mineB.length).toBeLessThan(SECOND)

    // C has not been silent past the limit yet: still its share.
    const silence = nodeSilenceMs(deps.settings.leaseMs)
    expect(silence).toBeLessThan(deps.settings.leaseMs)
    clock.advance(silence - 1)
    await b.sweep()
    await new Promise((r) => setTimeout(r, 500))
    expect(await revokedCount()).toBe(FIRST + mineB.length)
    // Now it has: B's next heartbeat (within a second) finds C gone and sweeps, taking its share.
    clock.advance(2)
    await waitForRevoked(FIRST + SECOND)

    const after = await revokedBy()
    expect(after.by.get('system:node-b')).toEqual(
      new Set([...first.filter((g) => pair.ownerOf(g) === 'node-b'), ...second]),
    )
    const revokedEvents = after.events.filter((e) => e.type === 'grant.revoked')
    expect(revokedEvents).toHaveLength(FIRST + SECOND)
    expect(verifyAuditChain(after.events)).toMatchObject({ ok: true })
  }, 180_000)
})
