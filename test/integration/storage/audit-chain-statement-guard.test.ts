/**
 * Migration 0015: on PostgreSQL the audit chain guard checks each INSERT's rows once, after the
 * statement, from its transition table. It must refuse every forged append the per-row guard
 * refused (a gap, a wrong prev_hash, a row before the head, one forged row among good ones), by
 * any path rows can take (multi-row INSERT, INSERT … SELECT, COPY), with 0008's message and
 * errcode, and accept what honest writers do: one statement or several in one transaction.
 */
import { Kysely} from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain, type AuditEvent } from '../../../src/domain/audit-event.js'
import type { Database } from '../../../src/storage/kysely/database.js'
import { createDialect } from '../../../src/storage/kysely/dialect.js'
import { migrateToLatest, migratorFor, openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import { chainOnto, revokedEvent, type Link } from '../../support/raw-audit-chain.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()
const REFUSED = 'audit events append to the last event only'
/** PostgreSQL's code for `insufficient_privilege`, which 0001 and 0008 raise too. */
const INSUFFICIENT_PRIVILEGE = '42501'


type Row = Pick<AuditEvent, 'seq' | 'id' | 'at' | 'prevHash' | 'hash'>

function insertSql(rows: readonly Row[]): string {
  const values = rows.map(
    (e) =>
      `(${e.seq}, '${e.id}', ${e.at.getTime()}, 'grant.revoked', 'system:raw', null, null, '{}', '${e.prevHash}', '${e.hash}')`,
  )
  return `insert into audit_events (seq, id, at, type, actor, request_id, grant_id, data, prev_hash, hash) values ${values.join(', ')}`
}

/** COPY run on the server (the tests' URL is a superuser's): the rows reach the table by COPY. */
function copySql(rows: readonly Row[]): string {
  const lines = rows.map(
    (e) => `'${e.seq},${e.id},${e.at.getTime()},grant.revoked,system:raw,,,{},${e.prevHash},${e.hash}'`,
  )
  return `copy audit_events (seq, id, at, type, actor, request_id, grant_id, data, prev_hash, hash)
          from program $$printf '%s\\n' ${lines.join(' ')}$$ with (format csv)`
}

function moveHeadSql(to: Link): string {
  return `update audit_head set seq = ${to.seq}, hash = '${to.hash}' where id = 1`
}

describe.skipIf(baseUrl === null)('audit chain guard per statement (PostgreSQL, 0015)', () => {
  let database: { url: string; drop(): Promise<void> }
  let store: Store
  let client: pg.Client
  let other: pg.Client

  beforeAll(async () => {
    database = await freshPgDatabase(baseUrl!)
    store = await openStore({ databaseUrl: database.url, poolSize: 2 })
    client = new pg.Client({ connectionString: database.url })
    other = new pg.Client({ connectionString: database.url })
    await client.connect()
    await other.connect()
  })
  afterAll(async () => {
    await client.end()
    await other.end()
    await store.close()
    await database.drop()
  })

  /** The chain's last event (or the head, when none is beyond it) as the table holds it now. */
  async function last(): Promise<Link> {
    const { rows } = await client.query<{ seq: string; hash: string }>(
      `select seq, hash from (select seq, hash from audit_events union all select seq, hash from audit_head)
       chain order by seq desc limit 1`,
    )
    return { seq: Number(rows[0]!.seq), hash: rows[0]!.hash }
  }

  async function expectRefused(statement: string): Promise<void> {
    const before = await last()
    const error = await client.query(statement).then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    )
    expect(error, statement).toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: REFUSED })
    // Nothing of the statement is kept.
    expect(await last()).toEqual(before)
  }

  async function expectWholeChain(): Promise<void> {
    const events: AuditEvent[] = []
    for (;;) {
      const page = await store.audit.list({ afterSeq: events.at(-1)?.seq ?? 0, limit: 500 })
      events.push(...page)
      if (page.length < 500) break
    }
    const head = await store.audit.head()
    expect(verifyAuditChain(events)).toEqual({ ok: true, count: head.seq, lastSeq: head.seq, lastHash: head.hash })
  }

  it('replaces the row trigger by one statement trigger with a transition table', async () => {
    const { rows } = await client.query<{ tgname: string; row: boolean; before: boolean }>(
      `select tgname, (tgtype & 1) = 1 as row, (tgtype & 2) = 2 as before
         from pg_trigger where tgrelid = 'audit_events'::regclass and tgname like 'audit_events_%'
                          and (tgtype & 4) = 4 order by tgname`,
    )
    expect(rows).toEqual([{ tgname: 'audit_events_extend_chain', row: false, before: false }])
  })

  it('refuses a gap, a wrong prev_hash and a row before the head, by INSERT and by COPY', async () => {
    await store.audit.appendMany([1, 2, 3].map(() => revokedEvent()))
    const end = await last()
    const [next, after] = chainOnto(end, 2) as [AuditEvent, AuditEvent]
    const forged: Row[][] = [
      // A gap: the row after the next one, correctly linked to it, without it.
      [after],
      [{ ...next, seq: next.seq + 1 }],
      // The right place, the wrong link.
      [{ ...next, prevHash: 'f'.repeat(64) }],
      [{ ...next, prevHash: (await store.audit.list({ afterSeq: end.seq - 2, limit: 1 }))[0]!.hash }],
      // Before the head: a second first event, and one below it (free seqs, so only the guard stops them).
      [{ ...next, seq: 0 }],
      [{ ...next, seq: -5 }],
    ]
    for (const rows of forged) {
      await expectRefused(insertSql(rows))
      await expectRefused(copySql(rows))
    }
    await expectRefused(
      `insert into audit_events (seq, id, at, type, actor, data, prev_hash, hash)
       select ${after.seq}, '${after.id}', 0, 'grant.revoked', 'x', '{}', '${after.prevHash}', '${after.hash}'`,
    )
    // The honest next events by each path.
    await client.query(copySql([next]))
    await client.query(
      `insert into audit_events (seq, id, at, type, actor, data, prev_hash, hash)
       select ${after.seq}, '${after.id}', ${after.at.getTime()}, 'grant.revoked', 'system:raw', '{}', '${after.prevHash}', '${after.hash}'`,
    )
    await client.query(moveHeadSql(after))
    await expectWholeChain()
  })

  it('refuses a forged row anywhere in a multi-row INSERT, keeping none of it', async () => {
    const end = await last()
    const good = chainOnto(end, 5)
    const forgedThird = chainOnto({ seq: good[1]!.seq, hash: 'e'.repeat(64) }, 3)
    const runs: Row[][] = [
      // Third row off the chain, the rows after it correctly chained onto the forgery.
      [good[0]!, good[1]!, ...forgedThird],
      // Third row's link wrong, the others as they should be.
      good.map((e, i) => (i === 2 ? { ...e, prevHash: good[0]!.hash } : e)),
      // A row missing in the middle.
      [good[0]!, good[1]!, good[3]!, good[4]!],
      // A seq skipped in the middle, the link right.
      [good[0]!, good[1]!, { ...good[2]!, seq: good[3]!.seq }],
      // The last row off the chain.
      [...good.slice(0, 4), { ...good[4]!, prevHash: 'd'.repeat(64) }],
      // The first row off the chain, the rest linked to it.
      [{ ...good[0]!, prevHash: 'c'.repeat(64) }, ...good.slice(1)],
    ]
    for (const rows of runs) {
      await expectRefused(insertSql(rows))
      await expectRefused(copySql(rows))
    }
    // Two inserts in one statement (a writable CTE) are one run: a forged row in either fails it.
    const [g0, g1, g2, g3, g4] = good as [AuditEvent, AuditEvent, AuditEvent, AuditEvent, AuditEvent]
    await expectRefused(`with first as (${insertSql([g0, g1])}) ${insertSql([{ ...g2, prevHash: g0.hash }])}`)
    await expectRefused(`with first as (${insertSql([{ ...g1, prevHash: g0.prevHash }])}) ${insertSql([g0, g2])}`)
    // The chain itself, in any row order: the run is checked in seq order.
    await client.query(`with first as (${insertSql([g4, g3])}) ${insertSql([g2, g1, g0])}`)
    await client.query(moveHeadSql(good[4]!))
    await expectWholeChain()
  })

  it('accepts several statements in one transaction, each onto the last, and refuses a forged one', async () => {
    const end = await last()
    const [a, b, c, d] = chainOnto(end, 4) as [AuditEvent, AuditEvent, AuditEvent, AuditEvent]
    await client.query('begin')
    await client.query(insertSql([a, b]))
    // The second statement lands on the first's rows, which are not committed yet.
    await client.query(insertSql([c]))
    const error = await client.query(insertSql([{ ...d, prevHash: b.hash }])).then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    )
    expect(error).toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: REFUSED })
    await client.query('rollback')
    expect(await last()).toEqual(end)

    await client.query('begin')
    await client.query(insertSql([a, b]))
    await client.query(insertSql([c]))
    await client.query(insertSql([d]))
    await client.query(moveHeadSql(d))
    await client.query('commit')
    // The store's own appends (one multi-row INSERT a transaction) continue the chain.
    await store.transaction((tx) => tx.audit.appendMany(Array.from({ length: 1_200 }, () => revokedEvent())))
    await store.audit.append(revokedEvent())
    await expectWholeChain()
  })

  it('a run onto another transaction’s uncommitted events is refused; one onto their seqs waits and fails', async () => {
    const end = await last()
    const [a, b, c] = chainOnto(end, 3) as [AuditEvent, AuditEvent, AuditEvent]
    await client.query('begin')
    await client.query(insertSql([a, b]))
    // `other` does not see a and b: c has no predecessor it can see.
    await expect(other.query(insertSql([c]))).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: REFUSED })
    // A rival a' at a's seq waits for the first transaction, then fails on the key.
    const [rival] = chainOnto(end, 1) as [AuditEvent]
    const waiting = other.query(insertSql([rival])).then(
      () => null,
      (e: unknown) => e as { code?: string },
    )
    await client.query(moveHeadSql(b))
    await client.query('commit')
    expect(await waiting).toMatchObject({ code: '23505' })
    await other.query(insertSql([c]))
    await other.query(moveHeadSql(c))
    await expectWholeChain()
  })

  it('down to 0014 puts back the row trigger, which still guards; up again the statement one', async () => {
    const db = new Kysely<Database>({ dialect: createDialect({ databaseUrl: database.url, poolSize: 1 }).dialect })
    const migrator = migratorFor(db, 'postgres')
    try {
      expect((await migrator.migrateTo('0014-grant-share-buckets')).error).toBeUndefined()
      const names = async () =>
        (
          await client.query<{ tgname: string; row: boolean }>(
            `select tgname, (tgtype & 1) = 1 as row from pg_trigger
              where tgrelid = 'audit_events'::regclass and (tgtype & 4) = 4 and not tgisinternal`,
          )
        ).rows
      expect(await names()).toEqual([{ tgname: 'audit_events_on_head', row: true }])
      const end = await last()
      const [next] = chainOnto(end, 1) as [AuditEvent]
      await expectRefused(insertSql([{ ...next, prevHash: 'f'.repeat(64) }]))
      await client.query(insertSql([next]))
      await client.query(moveHeadSql(next))
      await migrateToLatest(db, 'postgres')
      expect(await names()).toEqual([{ tgname: 'audit_events_extend_chain', row: false }])
      const { rows } = await client.query(
        `select proname from pg_proc where proname in ('hourglass_audit_append_on_head', 'hourglass_audit_extend_chain')`,
      )
      expect(rows).toEqual([{ proname: 'hourglass_audit_extend_chain' }])
      await store.audit.append(revokedEvent())
      await expectWholeChain()
    } finally {
      await db.destroy()
    }
  })
})
