import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRuntime, type Runtime } from '../../../src/main/runtime.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'
import { range, startSiemReceiver, type SiemReceiver } from '../../support/siem-receiver.js'
import { silentLog, startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const base = pgUrlOrSkip()
const SECRET = 'whsec_' + Buffer.alloc(32, 3).toString('base64')

describe.skipIf(!base)('two runtimes on one PostgreSQL stream one SIEM sink', () => {
  let db: { url: string; drop(): Promise<void> }
  let world: TestWorld
  let second: Runtime
  let secondStore: Store
  let receiver: SiemReceiver

  beforeAll(async () => {
    db = await freshPgDatabase(base!)
    let clock: (() => Date) | null = null
    receiver = await startSiemReceiver({ secret: SECRET, now: () => clock?.() ?? new Date('2026-11-23T09:00:00Z') })
    world = await startTestWorld({
      databaseUrl: db.url,
      config: {
        siem: { sinks: [{ name: 'soc', url: receiver.url, secret: SECRET, batchSize: 7 }], timeoutMs: 10_000 },
      },
    })
    clock = () => world.clock.now()
    secondStore = await openStore({ databaseUrl: db.url })
    second = await createRuntime(world.runtime.config, silentLog, { clock: world.clock, store: secondStore, random: () => 0.5 })
  })
  afterAll(async () => {
    await second.close()
    await secondStore.close()
    await world.close()
    await receiver.close()
    await db.drop()
  })

  it('never interleaves: batches arrive contiguous and in order, each event once', async () => {
    // Both processes commit (and so nudge their streamers) while both are also asked to run.
    const work: Array<Promise<unknown>> = []
    for (let i = 0; i < 12; i++) {
      const app = i % 2 ? second.app : world.runtime.app
      work.push(
        Promise.resolve(app.request('/v1/requests', {
          method: 'POST',
          headers: { authorization: `Bearer ${world.tokens.alice}`, 'content-type': 'application/json' },
          body: JSON.stringify({ entitlementId: 'orders-read', justification: `Concurrent job ${i} reads orders`, duration: '10m' }),
        })),
      )
      work.push(i % 2 ? second.siem.runOnce() : world.runtime.siem.runOnce())
    }
    await Promise.all(work)
    for (let round = 0; round < 3; round++) {
      await Promise.all([world.runtime.siem.runOnce(), second.siem.runOnce()])
    }
    const head = (await world.runtime.deps.store.audit.head()).seq
    expect(receiver.rejected).toEqual([])
    // The lease never lapsed (the clock did not move), so not even at-least-once duplicates.
    expect(receiver.accepted.flatMap((b) => b.seqs)).toEqual(range(head))
    for (const b of receiver.accepted) expect(b.seqs.length).toBeLessThanOrEqual(7)
    expect(await world.runtime.deps.store.siemCursors.get('soc')).toMatchObject({ ackedSeq: head, leaseOwner: null })
    const status = await second.deps.siemSinks!()
    expect(status[0]).toMatchObject({ name: 'soc', ackedSeq: head, lagEvents: 0 })
  })
})
