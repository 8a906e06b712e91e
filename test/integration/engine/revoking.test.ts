import { describe, expect, it } from 'vitest'
import { LifecycleEngine } from '../../../src/engine/lifecycle-engine.js'
import type { Store } from '../../../src/storage/store.js'
import { seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { worldOn } from '../../support/engine-worlds.js'
import { until } from '../../support/until.js'

/*
 * `LifecycleEngine.revoking()`: what the audit checkpointer asks before it spends a pass over
 * every event since the last checkpoint. True from a grant falling due until its batch has
 * ended, false once nothing is queued or running.
 */

/** The store, its transactions held while the gate is shut. */
function gated(store: Store): { store: Store; shut: () => void; open: () => void } {
  let gate: Promise<void> | null = null
  let release = (): void => undefined
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'transaction') return Reflect.get(target, key, receiver) as unknown
      return async (...args: Parameters<Store['transaction']>) => {
        if (gate) await gate
        return target.transaction(...args)
      }
    },
  })
  return {
    store: wrapped,
    shut: () => {
      gate = new Promise<void>((resolve) => (release = resolve))
    },
    open: () => {
      gate = null
      release()
    },
  }
}

describe('the engine says when revocations are under way (SQLite)', () => {
  let node: LifecycleEngine | undefined
  const on = worldOn('SQLite', async () => {
    await node?.stop()
  })

  it.skipIf(on.skip)('from a grant falling due until its batch ends', async () => {
    const { deps } = on.world.runtime
    const now = on.world.clock.now().getTime()
    const ids = await seedActiveGrants(deps.store, deps.ids, 1, new Date(now - 60_000), new Date(now + 1_000))
    const held = gated(deps.store)
    node = new LifecycleEngine({ ...deps, store: held.store }, { sweepIntervalMs: 60_000, horizonMs: 600_000, concurrency: 4 })
    await node.start()
    expect(node.revoking()).toBe(false)

    // Due now; the batch's transaction waits at the gate, and the engine says so meanwhile.
    held.shut()
    on.world.clock.advance(2_000)
    expect(await until(() => Promise.resolve(node?.revoking() === true))).toBe(true)
    expect((await deps.store.grants.list({ states: ['revoked'] })).length).toBe(0)
    held.open()
    expect(await until(async () => (await deps.store.grants.list({ states: ['revoked'] })).length === ids.length)).toBe(true)
    expect(await until(() => Promise.resolve(node?.revoking() === false))).toBe(true)
  })
})
