import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Logger } from '../../../src/app/deps.js'
import { LifecycleEngine } from '../../../src/engine/lifecycle-engine.js'
import { seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { LiveClock } from '../../support/live-clock.js'
import { silentLog, startTestWorld, type TestWorld } from '../../support/test-runtime.js'

/*
 * The engine's batch size bounds how long a grant falling due waits behind a batch on SQLite
 * (benchmark 3); this holds the engine to it. Batches are seen through executeRevocations' own
 * log line, one per batch of more than one grant.
 */

const DUE = 250
const BATCH = 100

describe('revocation batches on the lifecycle engine', () => {
  let world: TestWorld
  beforeAll(async () => {
    world = await startTestWorld({ clock: new LiveClock() })
  })
  afterAll(async () => {
    await world.close()
  })

  it('takes at most revocationBatchSize due grants per batch, and revokes them all', async () => {
    const { deps } = world.runtime
    const now = Date.now()
    const ids = await seedActiveGrants(deps.store, deps.ids, DUE, new Date(now - 120_000), new Date(now - 60_000))
    const batches: number[] = []
    const log: Logger = {
      ...silentLog,
      info(obj) {
        const o = obj as { grants?: unknown; grantId?: unknown }
        if (typeof o.grants === 'number') batches.push(o.grants)
        else if (typeof o.grantId === 'string' && ids.includes(o.grantId)) batches.push(1)
      },
    }
    const engine = new LifecycleEngine(
      { ...deps, log },
      { sweepIntervalMs: 60_000, horizonMs: 600_000, concurrency: 8, revocationBatchSize: BATCH },
    )
    await engine.start()
    try {
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline && ((await deps.store.grants.countByState()).revoked ?? 0) < DUE) {
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      await engine.stop()
    }
    expect(await deps.store.grants.countByState()).toEqual({ revoked: DUE })
    expect(batches.reduce((a, b) => a + b, 0)).toBe(DUE)
    expect(Math.max(...batches)).toBeLessThanOrEqual(BATCH)
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(DUE / BATCH))
  }, 90_000)
})
