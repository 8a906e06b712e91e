import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain, type AuditEvent } from '../../../src/domain/audit-event.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import { T0, uniqueId } from '../../support/builders.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

/*
 * On PostgreSQL a transaction's audit events are chained at commit, under the head's row lock
 * taken there: two nodes' revocation batches overlap for their whole length and serialise only
 * for the INSERT and the head move (issue 7, benchmark 3b). The chain stays one chain.
 */

const baseUrl = pgUrlOrSkip()
const BATCH = 500

function revoked(grantId: string, worker: string) {
  return {
    id: uniqueId('evt'),
    at: T0,
    type: 'grant.revoked' as const,
    actor: `system:${worker}`,
    requestId: null,
    grantId,
    data: { attempts: 1, reason: 'expired', revocationLagMs: 3, verification: 'gone' },
  }
}

async function wholeChain(store: Store): Promise<AuditEvent[]> {
  const events: AuditEvent[] = []
  for (;;) {
    const page = await store.audit.list({ afterSeq: events.at(-1)?.seq ?? 0, limit: 1_000 })
    events.push(...page)
    if (page.length < 1_000) return events
  }
}

describe.skipIf(baseUrl === null)('audit head lock at commit only (PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> }
  let nodeA: Store
  let nodeB: Store

  beforeAll(async () => {
    db = await freshPgDatabase(baseUrl!)
    nodeA = await openStore({ databaseUrl: db.url, poolSize: 4 })
    nodeB = await openStore({ databaseUrl: db.url, poolSize: 4 })
  })
  afterAll(async () => {
    await nodeA.close()
    await nodeB.close()
    await db.drop()
  })

  it('an open transaction with appends does not hold off another node’s appending commit', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let appendedInA!: () => void
    const appended = new Promise<void>((resolve) => (appendedInA = resolve))
    const slow = nodeA.transaction(async (tx) => {
      const events = await tx.audit.appendMany([revoked(uniqueId('grt'), 'a'), revoked(uniqueId('grt'), 'a')])
      await tx.connectorState.put('tgt-a', uniqueId('k'), 'v')
      appendedInA()
      // Still open, its events appended: the other node's whole transaction runs now.
      await gate
      return events
    })
    await appended
    const fast = nodeB.transaction(async (tx) => {
      await tx.connectorState.put('tgt-b', uniqueId('k'), 'v')
      return tx.audit.append(revoked(uniqueId('grt'), 'b'))
    })
    // Before this change B waited on A's head lock until A committed, i.e. forever here.
    const first = await Promise.race([
      fast.then(() => 'b committed' as const),
      new Promise<'b still waiting'>((resolve) => {
        setTimeout(() => {
          resolve('b still waiting')
        }, 10_000)
      }),
    ])
    release()
    const [aEvents, bEvent] = await Promise.all([slow, fast])
    expect(first).toBe('b committed')
    // A's events chain onto B's: A took the head only at its commit, after B's.
    expect(aEvents.map((e) => e.seq)).toEqual([bEvent.seq + 1, bEvent.seq + 2])
    expect(aEvents[0]!.prevHash).toBe(bEvent.hash)
    const chain = await wholeChain(nodeA)
    expect(verifyAuditChain(chain)).toMatchObject({ ok: true, count: chain.length })
    expect(await nodeB.audit.head()).toEqual({ seq: chain.at(-1)!.seq, hash: chain.at(-1)!.hash })
  })

  it('two nodes’ concurrent revocation-size batches all commit, as one chain that verifies', async () => {
    const head = await nodeA.audit.head()
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const [store, worker] = i % 2 === 0 ? [nodeA, 'a'] : [nodeB, 'b']
        return store.transaction(async (tx) => {
          const grants = Array.from({ length: BATCH }, () => uniqueId('grt'))
          // Claim-like work before and after the appends, as a batch does.
          await tx.connectorState.putManyIfAbsent(`tgt-${worker}`, grants.map((g) => [g, 'claimed'] as [string, string]))
          const events = await tx.audit.appendMany(grants.map((g) => revoked(g, worker)))
          await tx.connectorState.put(`tgt-${worker}`, uniqueId('done'), String(i))
          return events
        })
      }),
    )
    for (const events of batches) {
      // Each transaction's events are one unbroken run of the chain.
      expect(events.at(-1)!.seq - events[0]!.seq).toBe(BATCH - 1)
    }
    const seqs = batches.flat().map((e) => e.seq).sort((x, y) => x - y)
    expect(seqs).toEqual(Array.from({ length: 8 * BATCH }, (_, i) => head.seq + 1 + i))
    const chain = await wholeChain(nodeB)
    expect(verifyAuditChain(chain)).toMatchObject({ ok: true, count: head.seq + 8 * BATCH })
    expect(chain.slice(head.seq)).toEqual(batches.flat().sort((x, y) => x.seq - y.seq))
  })

  it('an event’s seq and hash cannot be read before its transaction commits', async () => {
    const event = await nodeA.transaction(async (tx) => {
      const appended = await tx.audit.append(revoked(uniqueId('grt'), 'a'))
      expect(() => appended.seq).toThrow(/fixed when its transaction commits/)
      expect(() => appended.hash).toThrow(/fixed when its transaction commits/)
      // Everything else is final at once (notifications use it inside the transaction).
      expect(appended).toMatchObject({ type: 'grant.revoked', actor: 'system:a', at: T0 })
      return appended
    })
    expect(await nodeA.audit.head()).toEqual({ seq: event.seq, hash: event.hash })
    expect(await nodeB.audit.list({ afterSeq: event.seq - 1, limit: 1 })).toEqual([event])
  })
})
