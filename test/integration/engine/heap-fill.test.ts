import { describe, expect, it } from 'vitest'
import type { AppDeps } from '../../../src/app/deps.js'
import { LifecycleEngine } from '../../../src/engine/lifecycle-engine.js'
import type { Store } from '../../../src/storage/store.js'
import { seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { BOTH_ENGINES, worldOn } from '../../support/engine-worlds.js'
import { until } from '../../support/until.js'

/*
 * The engine's heap fill (lifecycle-engine.ts #fillHeap): periodic sweeps read only the expiries
 * new to the horizon, a full fill reads them all. What must hold whatever the fill reads: every
 * due grant is revoked, including one no signal announced (written by something else) and one
 * extended after it was queued.
 */

/** Real milliseconds between periodic sweeps: several run while a test waits. */
const SWEEP_MS = 20
/** The engine's backstop (FULL_FILL_EVERY_MS), on the engine's clock. */
const FULL_FILL_EVERY_MS = 30_000

/** The store, counting the expiries each heap fill reads. */
function counting(store: Store): { store: Store; read: () => number } {
  let read = 0
  const grants = new Proxy(store.grants, {
    get(target, key, receiver) {
      if (key !== 'listExpiringBefore') return Reflect.get(target, key, receiver) as unknown
      return async (...args: Parameters<Store['grants']['listExpiringBefore']>) => {
        const page = await target.listExpiringBefore(...args)
        read += page.length
        return page
      }
    },
  })
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      return key === 'grants' ? grants : (Reflect.get(target, key, receiver) as unknown)
    },
  })
  return { store: wrapped, read: () => read }
}

const realMs = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(BOTH_ENGINES)('the heap fill (%s)', (engine) => {
  let node: LifecycleEngine | undefined
  const on = worldOn(engine, async () => {
    await node?.stop()
  })

  async function startNode(deps: AppDeps): Promise<void> {
    await node?.stop()
    node = new LifecycleEngine(deps, { sweepIntervalMs: SWEEP_MS, horizonMs: 600_000, concurrency: 4 })
    await node.start()
  }

  it.skipIf(on.skip)('re-reads the horizon only at the backstop, and then revokes a grant no signal announced', async () => {
    const { deps } = on.world.runtime
    const clock = on.world.clock
    const counted = counting(deps.store)
    const now = clock.now().getTime()
    // Not due for minutes: queued, never fired while the clock stands still.
    await seedActiveGrants(deps.store, deps.ids, 50, new Date(now - 60_000), (i) => new Date(now + 120_000 + i))
    await startNode({ ...deps, store: counted.store })
    const afterStart = counted.read()
    expect(afterStart).toBeGreaterThanOrEqual(50)

    // Written behind the engine's back, due in a second: the periodic sweeps do not re-read it.
    const [unannounced] = await seedActiveGrants(deps.store, deps.ids, 1, new Date(now - 60_000), new Date(now + 1_000))
    await realMs(SWEEP_MS * 10)
    expect(counted.read()).toBe(afterStart)

    // The backstop reads the horizon whole, finds it overdue, and revokes it.
    clock.advance(FULL_FILL_EVERY_MS)
    expect(await until(async () => (await deps.store.grants.get(unannounced ?? ''))?.state === 'revoked')).toBe(true)
    expect(counted.read()).toBeGreaterThanOrEqual(afterStart + 51)
    const stillActive = await deps.store.grants.list({ states: ['active'] })
    expect(stillActive.length).toBeGreaterThanOrEqual(50)
  })

  it.skipIf(on.skip)('revokes a grant extended after it was queued at its new expiry', async () => {
    const { deps } = on.world.runtime
    const clock = on.world.clock
    const now = clock.now().getTime()
    const [id] = await seedActiveGrants(deps.store, deps.ids, 1, new Date(now - 60_000), new Date(now + 500))
    await startNode(deps)

    // Extended behind the engine's back (as another node would) to 2.5 s, after it was queued for 0.5 s.
    const grant = await deps.store.grants.get(id ?? '')
    if (!grant) throw new Error('seeded grant missing')
    expect(await deps.store.grants.update({ ...grant, expiresAt: new Date(now + 2_500) }, grant.version)).toBe(true)
    // Its old time comes: the batch finds it not due and leaves it active.
    clock.advance(2_000)
    await realMs(1_000)
    expect((await deps.store.grants.get(id ?? ''))?.state).toBe('active')

    // Past its new expiry (long before the backstop): a periodic sweep reads it again and revokes it.
    clock.advance(4_000)
    expect(await until(async () => (await deps.store.grants.get(id ?? ''))?.state === 'revoked', 5_000)).toBe(true)
  })
})
