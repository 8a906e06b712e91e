import { describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../src/domain/audit-event.js'
import { LifecycleEngine } from '../../../src/engine/lifecycle-engine.js'
import { seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { BOTH_ENGINES, worldOn } from '../../support/engine-worlds.js'

/*
 * Issue 7's takeover under load: a node busy with a backlog of expiries finds, at a sweep, a
 * claim whose lease ran out (a dead node's). That grant was also in its own backlog, for its
 * expiry, behind thousands of others; the sweep puts it at the front, so it is revoked within a
 * batch or two rather than after the whole backlog.
 */

/** Enough batches (500 each) that the backlog is still long when the sweep runs. */
const BACKLOG = 5_000
const DEAD_NODE = 'node-a'

describe.each(BOTH_ENGINES)('a dead node’s lapsed claim during a backlog (%s)', (engine) => {
  let node: LifecycleEngine | undefined
  const on = worldOn(engine, async () => {
    await node?.stop()
  })

  it.skipIf(on.skip)('is revoked ahead of the fresh expiries already queued', async () => {
    const { deps } = on.world.runtime
    const { store } = deps
    const now = on.world.clock.now().getTime()
    // All overdue, soonest first; the dead node's grant is the last of them, so in expiry order
    // it would be revoked last.
    const ids = await seedActiveGrants(store, deps.ids, BACKLOG, new Date(now - 120_000), (i) => new Date(now - 60_000 + i))
    const takenOver = ids.at(-1) ?? ''

    // Only explicit sweeps: the one in start() queues the backlog, the one below finds the claim.
    // One batch in flight, so that commit order (the audit log's) is batch order: with two on
    // PostgreSQL, a batch waiting on an expiry record the other holds may commit after a later one.
    node = new LifecycleEngine(deps, {
      sweepIntervalMs: 3_600_000,
      horizonMs: 600_000,
      concurrency: 4,
      revocationBatches: 1,
    })
    await node.start()

    // Meanwhile node A claimed that grant a lease ago and died: its lease has run out.
    const grant = await store.grants.get(takenOver)
    if (!grant) throw new Error('seeded grant missing')
    const claimed = await store.grants.update(
      {
        ...grant,
        state: 'revoking',
        revokeReason: 'expired',
        revokeDueAt: grant.expiresAt,
        revokeAttempts: 1,
        leaseOwner: DEAD_NODE,
        leaseUntil: new Date(now - 1),
      },
      grant.version,
    )
    expect(claimed).toBe(true)
    const backlogAtSweep = BACKLOG - ((await store.grants.countByState()).revoked ?? 0)
    await node.sweep()

    const deadline = Date.now() + 120_000
    while (((await store.grants.countByState()).revoked ?? 0) < BACKLOG && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await store.grants.countByState()).toEqual({ revoked: BACKLOG })

    const events = await store.audit.list({ limit: 100_000 })
    expect(verifyAuditChain(events)).toMatchObject({ ok: true })
    const revoked = events.filter((e) => e.type === 'grant.revoked').map((e) => e.grantId)
    expect(new Set(revoked).size).toBe(BACKLOG)
    expect(revoked).toHaveLength(BACKLOG)
    const revokedAfter = revoked.length - 1 - revoked.indexOf(takenOver)
    // The sweep found a long backlog still waiting; the taken-over grant went ahead of all but
    // the batch already running (500) or formed before the sweep's read (500), and the
    // rest of its own batch, whose events go in id order (it has the last id: up to 499).
    expect(backlogAtSweep).toBeGreaterThan(3_500)
    expect(revokedAfter).toBeGreaterThan(backlogAtSweep - 2_000)
    // The jwt revocation is taken over in one transaction: the dead node's claim is the only
    // `grant.revoking`, and the `grant.revoked` event says what it was revoked from, at attempt 2.
    const revoking = events.filter((e) => e.type === 'grant.revoking' && e.grantId === takenOver)
    expect(revoking).toHaveLength(0)
    const takeover = events.filter((e) => e.type === 'grant.revoked' && e.grantId === takenOver)
    expect(takeover).toHaveLength(1)
    expect(takeover[0]?.data).toMatchObject({ fromState: 'revoking', attempts: 2 })
  }, 180_000)
})
