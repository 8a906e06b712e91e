import { describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../src/domain/audit-event.js'
import { LifecycleEngine } from '../../../src/engine/lifecycle-engine.js'
import { MAX_REVOCATION_BATCH } from '../../../src/app/execute-revocations.js'
import { seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { BOTH_ENGINES, worldOn } from '../../support/engine-worlds.js'

/*
 * A node that loads thousands of expiries already overdue (a dead node's share it takes over, or
 * its own after downtime) revokes the expiries falling due now first: served in expiry order, the
 * backlog made each of them late by its whole length. The backlog follows, in full.
 */

const BACKLOG = 3_000
const FRESH = 100

describe.each(BOTH_ENGINES)('expiries loaded overdue behind those due now (%s)', (engine) => {
  let node: LifecycleEngine | undefined
  const on = worldOn(engine, async () => {
    await node?.stop()
  })

  it.skipIf(on.skip)('revokes the ones due now in the first batch, then the whole backlog', async () => {
    const { deps } = on.world.runtime
    const { store } = deps
    const now = on.world.clock.now().getTime()
    const backlog = await seedActiveGrants(store, deps.ids, BACKLOG, new Date(now - 120_000), (i) => new Date(now - 60_000 + i))
    // Seeded after the backlog, due at this very moment: in expiry order they come last.
    const fresh = await seedActiveGrants(store, deps.ids, FRESH, new Date(now - 60_000), new Date(now))

    // One batch in flight, so that commit order is batch order. With two, the fresh ones' batch
    // could commit third: on PostgreSQL a batch that inserts an expiry record another batch holds
    // waits for that one's commit, and a third batch may take the audit head in the meantime.
    node = new LifecycleEngine(deps, {
      sweepIntervalMs: 3_600_000,
      horizonMs: 600_000,
      concurrency: 4,
      revocationBatches: 1,
    })
    await node.start()
    const deadline = Date.now() + 120_000
    while (((await store.grants.countByState()).revoked ?? 0) < BACKLOG + FRESH && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await store.grants.countByState()).toEqual({ revoked: BACKLOG + FRESH })

    const events = await store.audit.list({ limit: 100_000 })
    expect(verifyAuditChain(events)).toMatchObject({ ok: true })
    const revoked = events.filter((e) => e.type === 'grant.revoked').map((e) => e.grantId ?? '')
    expect(new Set(revoked)).toEqual(new Set([...backlog, ...fresh]))
    expect(revoked).toHaveLength(BACKLOG + FRESH)
    // All in the first batch's events. In expiry order they were the last 100.
    const firstBatch = new Set(revoked.slice(0, MAX_REVOCATION_BATCH))
    expect(fresh.filter((id) => !firstBatch.has(id))).toEqual([])
  }, 180_000)
})
