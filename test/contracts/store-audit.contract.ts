import { describe, expect, it } from 'vitest'
import { verifyAuditChain, type AuditEvent } from '../../src/domain/audit-event.js'
import { AppError } from '../../src/domain/errors.js'
import type { Store } from '../../src/storage/store.js'
import { after, MINUTE, SECOND, uniqueId } from '../support/builders.js'
import { chainOnto } from '../support/raw-audit-chain.js'
import type { StoreContext } from './store.contract.js'

/** One second apart, as events appended over time would be. */
const spacedBySeconds = (i: number) => after(i * SECOND)

async function wholeChain(store: Store): Promise<AuditEvent[]> {
  const events: AuditEvent[] = []
  for (;;) {
    const page = await store.audit.list({ afterSeq: events.at(-1)?.seq ?? 0, limit: 50 })
    if (page.length === 0) return events
    events.push(...page)
  }
}

async function expectChainIntact(store: Store): Promise<AuditEvent[]> {
  const events = await wholeChain(store)
  const head = await store.audit.head()
  expect(verifyAuditChain(events)).toEqual({
    ok: true,
    count: head.seq,
    lastSeq: head.seq,
    lastHash: head.hash,
  })
  return events
}

function anEvent(i: number, links: { requestId?: string; grantId?: string } = {}) {
  return {
    id: uniqueId('evt'),
    at: after(i * SECOND),
    type: 'grant.revoked' as const,
    actor: `system:worker-${i % 3}`,
    requestId: links.requestId ?? null,
    grantId: links.grantId ?? null,
    data: { attempt: i, reason: 'expired', nested: { at: after(MINUTE), list: [1, 'two', null] } },
  }
}


/** One INSERT statement of all `events`, in order. */
function insertSql(
  events: ReadonlyArray<{ seq: number; id: string; at: Date; prevHash: string; hash: string }>,
): string {
  const values = events.map(
    (e) =>
      `(${e.seq}, '${e.id}', ${e.at.getTime()}, 'grant.revoked', 'system:raw', null, null, '{}', '${e.prevHash}', '${e.hash}')`,
  )
  return `insert into audit_events (seq, id, at, type, actor, request_id, grant_id, data, prev_hash, hash) values ${values.join(', ')}`
}

function moveHeadSql(to: { seq: number; hash: string }): string {
  return `update audit_head set seq = ${to.seq}, hash = '${to.hash}' where id = 1`
}

/** The audit log: a gapless hash chain the database itself keeps append-only. */
export function describeAuditContract(ctx: StoreContext): void {
  describe('audit log', () => {
    it('appends at the head and returns exactly what it stored', async () => {
      const head = await ctx.store().audit.head()
      const input = anEvent(1, { requestId: uniqueId('req'), grantId: uniqueId('grt') })
      const event = await ctx.store().transaction((tx) => tx.audit.append(input))
      expect(event.seq).toBe(head.seq + 1)
      expect(event.prevHash).toBe(head.hash)
      expect(event.data).toEqual({
        attempt: 1,
        reason: 'expired',
        nested: { at: after(MINUTE).toISOString(), list: [1, 'two', null] },
      })
      expect(await ctx.store().audit.head()).toEqual({ seq: event.seq, hash: event.hash })
      expect(await ctx.store().audit.list({ afterSeq: head.seq, limit: 1 })).toEqual([event])
      expect(verifyAuditChain([event], head).ok).toBe(true)
    })

    it('many appends, in and out of transactions, form a chain that verifies from genesis', async () => {
      for (let i = 0; i < 30; i++) {
        if (i % 3 === 0) await ctx.store().audit.append(anEvent(i))
        else await ctx.store().transaction(async (tx) => tx.audit.append(anEvent(i)))
      }
      const events = await expectChainIntact(ctx.store())
      expect(events.length).toBeGreaterThanOrEqual(30)
    })

    it('filters by request, grant, position and limit', async () => {
      const requestId = uniqueId('req')
      const grantId = uniqueId('grt')
      const head = await ctx.store().audit.head()
      const a = await ctx.store().audit.append(anEvent(1, { requestId }))
      const b = await ctx.store().audit.append(anEvent(2, { requestId, grantId }))
      await ctx.store().audit.append(anEvent(3))
      expect(await ctx.store().audit.list({ requestId, limit: 10 })).toEqual([a, b])
      expect(await ctx.store().audit.list({ grantId, limit: 10 })).toEqual([b])
      expect(await ctx.store().audit.list({ requestId, afterSeq: a.seq, limit: 10 })).toEqual([b])
      expect(await ctx.store().audit.list({ afterSeq: head.seq, limit: 2 })).toEqual([a, b])
    })

    it('filters by actor and by a half-open time window [from, to)', async () => {
      const head = await ctx.store().audit.head()
      const actor = uniqueId('human:auditee')
      const base = {
        id: '',
        type: 'grant.revoked' as const,
        requestId: null,
        grantId: null,
        data: {},
      }
      const at = (minutes: number) => after(10 * 24 * 60 * MINUTE + minutes * MINUTE)
      const early = await ctx
        .store()
        .audit.append({ ...base, id: uniqueId('evt'), at: at(0), actor })
      const other = await ctx.store().audit.append({
        ...base,
        id: uniqueId('evt'),
        at: at(5),
        actor: uniqueId('human:bystander'),
      })
      const late = await ctx
        .store()
        .audit.append({ ...base, id: uniqueId('evt'), at: at(10), actor })
      const afterSeq = head.seq
      expect(await ctx.store().audit.list({ afterSeq, actor, limit: 10 })).toEqual([early, late])
      expect(
        await ctx.store().audit.list({ afterSeq, from: at(5), to: at(10), limit: 10 }),
      ).toEqual([other])
      expect(await ctx.store().audit.list({ afterSeq, from: at(5), limit: 10 })).toEqual([
        other,
        late,
      ])
      expect(await ctx.store().audit.list({ afterSeq, to: at(5), limit: 10 })).toEqual([early])
      expect(await ctx.store().audit.list({ afterSeq, actor, from: at(1), limit: 10 })).toEqual([
        late,
      ])
      expect(await ctx.store().audit.list({ afterSeq, actor, to: at(0), limit: 10 })).toEqual([])
    })

    it('twenty concurrent appending transactions from two stores leave a gapless chain', async () => {
      // On SQLite the two stores are two connections in one thread: a writer waiting for the
      // other's write lock must wait without blocking the thread, or neither could finish.
      const other = await ctx.open()
      const head = await ctx.store().audit.head()
      const stores = [ctx.store(), other]
      const appended = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          stores[i % 2]!.transaction(async (tx) => {
            const event = await tx.audit.append(anEvent(i))
            await tx.connectorState.put(uniqueId('t'), 'k', String(i))
            return event
          }),
        ),
      )
      const seqs = appended.map((e) => e.seq).sort((x, y) => x - y)
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => head.seq + 1 + i))
      await expectChainIntact(other)
    })

    it('several appends in one transaction chain onto each other, also between other writers', async () => {
      const other = ctx.store().engine === 'postgres' ? await ctx.open() : ctx.store()
      const head = await ctx.store().audit.head()
      const stores = [ctx.store(), other]
      // On SQLite the two "stores" are one, so the transactions run one after another.
      const batches = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          stores[i % 2]!.transaction(async (tx) => [
            await tx.audit.append(anEvent(i)),
            await tx.audit.append(anEvent(i + 1)),
            await tx.audit.append(anEvent(i + 2)),
          ]),
        ),
      )
      for (const [a, b, c] of batches) {
        expect([b!.seq, c!.seq]).toEqual([a!.seq + 1, a!.seq + 2])
        expect([b!.prevHash, c!.prevHash]).toEqual([a!.hash, b!.hash])
      }
      const seqs = batches.flat().map((e) => e.seq).sort((x, y) => x - y)
      expect(seqs).toEqual(Array.from({ length: 24 }, (_, i) => head.seq + 1 + i))
      // Outside a transaction the next append reads the head again, whoever moved it.
      const outside = await other.audit.append(anEvent(99))
      const next = await ctx.store().audit.append(anEvent(100))
      expect(next.prevHash).toBe(outside.hash)
      await expectChainIntact(ctx.store())
    })

    it('the database refuses UPDATE and DELETE on audit events, checkpoints and the head', async () => {
      const event = await ctx.store().audit.append(anEvent(9))
      await ctx.store().audit.insertCheckpoint({
        seq: event.seq,
        hash: event.hash,
        at: after(MINUTE),
        keyId: uniqueId('key'),
        signature: 'c2ln',
      })
      const refused = [
        `update audit_events set actor = 'mallory' where seq = ${event.seq}`,
        `update audit_events set data = '{}'`,
        `delete from audit_events where seq = ${event.seq}`,
        'delete from audit_events',
        `update audit_checkpoints set signature = 'forged'`,
        'delete from audit_checkpoints',
        'delete from audit_head',
        'update audit_head set seq = seq + 5',
        `update audit_head set hash = '${'f'.repeat(64)}'`,
        `insert into audit_events (seq, id, at, type, actor, data, prev_hash, hash) values (${event.seq + 7}, 'forged', 0, 'grant.revoked', 'x', '{}', 'x', 'x')`,
        ...(ctx.store().engine === 'postgres'
          ? ['truncate audit_events', 'truncate audit_checkpoints']
          : []),
      ]
      for (const statement of refused) {
        await expect(ctx.exec(statement), statement).rejects.toThrow()
      }
      expect(await ctx.store().audit.list({ afterSeq: event.seq - 1, limit: 1 })).toEqual([event])
      expect(await ctx.store().audit.listCheckpoints()).toContainEqual(
        expect.objectContaining({ seq: event.seq, signature: 'c2ln' }),
      )
      await expectChainIntact(ctx.store())
    })

    it('one multi-row INSERT chains each row onto the one before, and the head skips to the newest', async () => {
      const head = await ctx.store().audit.head()
      const [a, b, c] = chainOnto(head, 3, spacedBySeconds) as [AuditEvent, AuditEvent, AuditEvent]
      // A row off the chain fails the whole statement: nothing of it is kept.
      const [, , wrong] = chainOnto({ seq: head.seq + 1, hash: 'f'.repeat(64) }, 3, spacedBySeconds)
      await expect(
        ctx.exec(insertSql([a, b, { ...c, prevHash: wrong!.prevHash }])),
      ).rejects.toThrow(/last event only/)
      expect(await ctx.store().audit.list({ afterSeq: head.seq, limit: 5 })).toEqual([])
      // Each row's trigger sees the rows the same statement wrote before it.
      await ctx.exec(insertSql([a, b, c]))
      // Newer events than the head exist: the next lands on the last of them, not on the head.
      const [next] = chainOnto(c, 1, spacedBySeconds) as [AuditEvent]
      const refusedInserts = [
        insertSql([{ ...next, prevHash: head.hash }]),
        insertSql([{ ...next, seq: next.seq + 1 }]),
        insertSql([{ ...next, seq: b.seq + 1, prevHash: b.hash, id: uniqueId('evt-raw') }]),
      ]
      for (const statement of refusedInserts) {
        await expect(ctx.exec(statement), statement).rejects.toThrow()
      }
      await expect(ctx.exec(refusedInserts[0]!)).rejects.toThrow(/last event only/)
      // The head moves only to the newest event, skipping any number of events to get there.
      for (const to of [b, a, { seq: c.seq, hash: b.hash }, { seq: c.seq + 1, hash: c.hash }]) {
        await expect(ctx.exec(moveHeadSql(to))).rejects.toThrow(/only advances to the newest event/)
      }
      await ctx.exec(moveHeadSql(c))
      expect(await ctx.store().audit.head()).toEqual({ seq: c.seq, hash: c.hash })
      // Never backwards or sideways, even to an event that exists.
      for (const to of [b, head, { seq: c.seq, hash: b.hash }]) {
        await expect(ctx.exec(moveHeadSql(to))).rejects.toThrow(/only advances to the newest event/)
      }
      const appended = await ctx.store().audit.append(anEvent(1))
      expect(appended.prevHash).toBe(c.hash)
      await expectChainIntact(ctx.store())
    })

    it("a transaction's appends are written at commit, and its reads see them before", async () => {
      const head = await ctx.store().audit.head()
      const inside = await ctx.store().transaction(async (tx) => {
        const first = await tx.audit.appendMany([anEvent(1), anEvent(2)])
        const third = await tx.audit.append(anEvent(3))
        const seen = {
          head: await tx.audit.head(),
          list: await tx.audit.list({ afterSeq: head.seq, limit: 10 }),
        }
        // Appends after a read chain on, and are written too.
        const fourth = await tx.audit.append(anEvent(4))
        return { events: [...first, third, fourth], seen }
      })
      expect(inside.events.map((e) => e.seq)).toEqual([1, 2, 3, 4].map((i) => head.seq + i))
      expect(inside.seen.list).toEqual(inside.events.slice(0, 3))
      expect(inside.seen.head).toEqual({ seq: head.seq + 3, hash: inside.events[2]!.hash })
      expect(await ctx.store().audit.list({ afterSeq: head.seq, limit: 10 })).toEqual(inside.events)
      expect(await ctx.store().audit.head()).toEqual({
        seq: head.seq + 4,
        hash: inside.events[3]!.hash,
      })
      await expectChainIntact(ctx.store())
    })

    it('a batch larger than one INSERT statement is written whole, in order', async () => {
      const head = await ctx.store().audit.head()
      const inputs = Array.from({ length: 1_234 }, (_, i) => anEvent(i))
      const events = await ctx.store().transaction((tx) => tx.audit.appendMany(inputs))
      expect(events.at(-1)!.seq).toBe(head.seq + inputs.length)
      const stored: AuditEvent[] = []
      while (stored.length < inputs.length) {
        stored.push(
          ...(await ctx
            .store()
            .audit.list({ afterSeq: stored.at(-1)?.seq ?? head.seq, limit: 500 })),
        )
      }
      expect(stored).toEqual(events)
      const outside = await ctx
        .store()
        .audit.appendMany(inputs.slice(0, 777).map((e) => ({ ...e, id: uniqueId('evt') })))
      expect(outside.map((e) => e.seq)).toEqual(
        Array.from({ length: 777 }, (_, i) => head.seq + inputs.length + 1 + i),
      )
      await expectChainIntact(ctx.store())
    })

    it('a write refused at commit fails the transaction with audit.write_failed and keeps nothing', async () => {
      const head = await ctx.store().audit.head()
      const refusedActor = uniqueId('human:refused')
      const postgres = ctx.store().engine === 'postgres'
      const trigger = uniqueId('refuse').replace(/[^a-z0-9]/gi, '_')
      await ctx.exec(
        postgres
          ? `create function ${trigger}() returns trigger language plpgsql as $$ begin
               if new.actor = '${refusedActor}' then raise exception 'disk says no'; end if; return new; end $$;
             create trigger ${trigger} before insert on audit_events for each row execute function ${trigger}()`
          : `create trigger ${trigger} before insert on audit_events when new.actor = '${refusedActor}'
             begin select raise(abort, 'disk says no'); end`,
      )
      try {
        const key = uniqueId('t')
        let returned: AuditEvent | undefined
        const error = await ctx
          .store()
          .transaction(async (tx) => {
            await tx.connectorState.put(key, 'k', 'v')
            await tx.audit.append(anEvent(1))
            // The append itself succeeds: the row is only written just before commit.
            returned = await tx.audit.append({ ...anEvent(2), actor: refusedActor })
          })
          .catch((e: unknown) => e)
        expect(returned?.seq).toBe(head.seq + 2)
        expect(error).toBeInstanceOf(AppError)
        expect((error as AppError).code).toBe('audit.write_failed')
        expect(await ctx.store().connectorState.get(key, 'k')).toBeNull()
        expect(await ctx.store().audit.head()).toEqual(head)
        expect(await ctx.store().audit.list({ afterSeq: head.seq, limit: 5 })).toEqual([])
      } finally {
        await ctx.exec(
          postgres
            ? `drop trigger ${trigger} on audit_events; drop function ${trigger}()`
            : `drop trigger ${trigger}`,
        )
      }
      await ctx.store().audit.append(anEvent(3))
      await expectChainIntact(ctx.store())
    })

    it('round-trips signed checkpoints in order', async () => {
      const head = await ctx.store().audit.head()
      const keyId = uniqueId('key')
      const later = {
        seq: head.seq,
        hash: head.hash,
        at: after(2 * MINUTE),
        keyId,
        signature: 'bGF0ZXI',
      }
      const earlier = {
        seq: 0,
        hash: '0'.repeat(64),
        at: after(MINUTE),
        keyId,
        signature: 'ZWFybGllcg',
      }
      await ctx.store().audit.insertCheckpoint(later)
      await ctx.store().audit.insertCheckpoint(earlier)
      const mine = (await ctx.store().audit.listCheckpoints()).filter((c) => c.keyId === keyId)
      expect(mine).toEqual([earlier, later])
    })
  })
}
