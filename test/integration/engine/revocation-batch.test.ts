import { beforeAll, describe, expect, it } from 'vitest'
import { executeRevocations } from '../../../src/app/execute-revocations.js'
import { verifyAuditChain, type AuditEvent } from '../../../src/domain/audit-event.js'
import { createRuntime, type Runtime } from '../../../src/main/runtime.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import { seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { BOTH_ENGINES, worldOn } from '../../support/engine-worlds.js'
import { silentLog } from '../../support/test-runtime.js'


async function eventsOf(store: Store): Promise<AuditEvent[]> {
  return store.audit.list({ limit: 100_000 })
}

function countByGrant(events: readonly AuditEvent[], type: AuditEvent['type']): Map<string, number> {
  const counts = new Map<string, number>()
  for (const e of events) if (e.type === type && e.grantId) counts.set(e.grantId, (counts.get(e.grantId) ?? 0) + 1)
  return counts
}

describe.each(BOTH_ENGINES)('revocation batches on %s', (engine) => {
  let second: Runtime
  let secondStore: Store
  const on = worldOn(engine, async () => {
    await second.close()
    if (on.databaseUrl) await secondStore.close()
  })

  beforeAll(async () => {
    if (on.skip) return
    // A second worker on the same database, the same clock. On PostgreSQL it has its own store
    // (a second process); two SQLite connections in one process would wait on each other's
    // write lock with the thread asleep, so there it shares the first runtime's store.
    secondStore = on.databaseUrl ? await openStore({ databaseUrl: on.databaseUrl }) : on.world.runtime.deps.store
    second = await createRuntime(
      on.world.runtime.config,
      silentLog,
      { clock: on.world.clock, store: secondStore, random: () => 0.5 },
    )
  })

  it.skipIf(on.skip)('revokes the due grants of a batch once each and leaves the rest alone', async () => {
    const { deps } = on.world.runtime
    const now = on.world.clock.now()
    const due = await seedActiveGrants(deps.store, deps.ids, 7, new Date(now.getTime() - 60_000), new Date(now.getTime() - 1_500))
    const later = await seedActiveGrants(deps.store, deps.ids, 2, now, new Date(now.getTime() + 3_600_000))
    // One grant whose handle the connector refuses: it fails alone, the batch goes on.
    const broken = due[6] ?? ''
    const stored = await deps.store.grants.get(broken)
    if (!stored) throw new Error('seeded grant missing')
    await deps.store.grants.update({ ...stored, handle: { not: 'a jwt handle' }, version: 2 }, 1)

    const asked = [...due, ...later, due[0] ?? '', 'grt_unknown']
    const results = await executeRevocations(deps, asked)

    expect(results).toHaveLength(asked.length)
    for (const [i, id] of due.slice(0, 6).entries()) {
      const g = await deps.store.grants.get(id)
      expect(g).toMatchObject({ state: 'revoked', verification: 'gone', revocationLagMs: 1_500, revokeReason: 'expired' })
      expect(results[i]).toEqual(g)
    }
    expect(await deps.store.grants.get(broken)).toMatchObject({
      state: 'revoke_failed',
      revokeAttempts: 1,
      lastError: 'not a jwt connector handle',
    })
    for (const id of later) expect((await deps.store.grants.get(id))?.state).toBe('active')
    expect(results.slice(due.length, due.length + later.length)).toEqual([null, null])
    expect(results.at(-1)).toBeNull()

    const events = await eventsOf(deps.store)
    const revoking = countByGrant(events, 'grant.revoking')
    const revoked = countByGrant(events, 'grant.revoked')
    // A jwt revocation is a write in the same transaction: the grant goes from active to revoked
    // at once, with one event that carries what the claim's `grant.revoking` event did.
    for (const id of due.slice(0, 6)) {
      expect(revoking.get(id)).toBeUndefined()
      expect(revoked.get(id)).toBe(1)
      expect(events.find((e) => e.type === 'grant.revoked' && e.grantId === id)?.data).toEqual({
        attempts: 1,
        fromState: 'active',
        reason: 'expired',
        revocationLagMs: 1_500,
        verification: 'gone',
      })
    }
    // The failed one was claimed, as an attempt, before its failure was recorded.
    expect(revoking.get(broken)).toBe(1)
    expect(revoked.get(broken)).toBeUndefined()
    expect(countByGrant(events, 'grant.revoke_failed').get(broken)).toBe(1)
    for (const id of later) expect(revoking.get(id)).toBeUndefined()
    expect(verifyAuditChain(events)).toMatchObject({ ok: true })

    // Asked again, nothing is due any more except the failed grant's retry, which is not yet.
    expect(await executeRevocations(deps, due)).toEqual(due.map(() => null))
  })

  it.skipIf(on.skip)('two processes racing over the same batch revoke each grant exactly once', async () => {
    const { deps } = on.world.runtime
    const now = on.world.clock.now()
    const ids = await seedActiveGrants(deps.store, deps.ids, 600, new Date(now.getTime() - 60_000), new Date(now.getTime() - 10))
    const reversed = [...ids].reverse()
    const [mine, theirs] = await Promise.all([
      executeRevocations(deps, ids),
      executeRevocations(second.deps, reversed),
    ])
    const won = new Set([...mine, ...theirs].flatMap((g) => (g ? [g.id] : [])))
    expect(won.size).toBe(ids.length)
    expect(mine.filter((g) => g !== null).length + theirs.filter((g) => g !== null).length).toBe(ids.length)

    const events = await eventsOf(deps.store)
    const revoked = countByGrant(events, 'grant.revoked')
    for (const id of ids) expect(revoked.get(id)).toBe(1)
    const states = await deps.store.grants.getMany(ids)
    expect(new Set(states.map((g) => g.state))).toEqual(new Set(['revoked']))
    expect(verifyAuditChain(events)).toMatchObject({ ok: true })
  })
})
