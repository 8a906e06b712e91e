/**
 * Migration 0018: on PostgreSQL the audit head moves in the statement that appends the events
 * (a data-modifying WITH), and both guards check after it. They must still refuse a head moved
 * anywhere but forward to the newest event, and a forged run with the head moved beside it, with
 * their messages and errcode; and accept the store's appends from an empty chain on.
 */
import { Kysely} from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GENESIS_HASH, verifyAuditChain, type AuditEvent } from '../../../src/domain/audit-event.js'
import type { Database } from '../../../src/storage/kysely/database.js'
import { createDialect } from '../../../src/storage/kysely/dialect.js'
import { migrateToLatest, migratorFor, openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import { chainOnto, revokedEvent, type Link } from '../../support/raw-audit-chain.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()
const EVENTS_REFUSED = 'audit events append to the last event only'
const HEAD_REFUSED = 'audit_head only advances to the newest event'
const INSUFFICIENT_PRIVILEGE = '42501'


type Row = Pick<AuditEvent, 'seq' | 'id' | 'at' | 'prevHash' | 'hash'>

/** The events and a head move in one statement, as the store writes them since 0018. */
function appendAndMoveSql(rows: readonly Row[], to: Link, fromSeq: number): string {
  const values = rows.map(
    (e) =>
      `(${e.seq}, '${e.id}', ${e.at.getTime()}, 'grant.revoked', 'system:raw', null, null, '{}', '${e.prevHash}', '${e.hash}')`,
  )
  return (
    `with appended as (insert into audit_events (seq, id, at, type, actor, request_id, grant_id, data, prev_hash, hash) ` +
    `values ${values.join(', ')}) update audit_head set seq = ${to.seq}, hash = '${to.hash}' where id = 1 and seq = ${fromSeq}`
  )
}

describe.skipIf(baseUrl === null)('audit head moved in the appending statement (PostgreSQL, 0018)', () => {
  let database: { url: string; drop(): Promise<void> }
  let store: Store
  let client: pg.Client

  beforeAll(async () => {
    database = await freshPgDatabase(baseUrl!)
    store = await openStore({ databaseUrl: database.url, poolSize: 2 })
    client = new pg.Client({ connectionString: database.url })
    await client.connect()
  })
  afterAll(async () => {
    await client.end()
    await store.close()
    await database.drop()
  })

  async function head(): Promise<Link> {
    const { rows } = await client.query<{ seq: string; hash: string }>('select seq, hash from audit_head where id = 1')
    return { seq: Number(rows[0]!.seq), hash: rows[0]!.hash }
  }

  async function expectRefused(statement: string, message: string): Promise<void> {
    const before = await head()
    const count = async () => Number((await client.query<{ n: string }>('select count(*) as n from audit_events')).rows[0]!.n)
    const events = await count()
    const error = await client.query(statement).then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    )
    expect(error, statement).toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message })
    expect(await head()).toEqual(before)
    expect(await count()).toBe(events)
  }

  async function expectWholeChain(): Promise<void> {
    const events = await store.audit.list({ afterSeq: 0, limit: 100_000 })
    const at = await store.audit.head()
    expect(verifyAuditChain(events)).toEqual({ ok: true, count: at.seq, lastSeq: at.seq, lastHash: at.hash })
  }

  it('the store appends from an empty chain on, the head moved in the same statement', async () => {
    expect(await head()).toEqual({ seq: 0, hash: GENESIS_HASH })
    // A forged first run (wrong genesis link) with the head moved beside it.
    const [first] = chainOnto({ seq: 0, hash: 'a'.repeat(64) }, 1) as [AuditEvent]
    await expectRefused(appendAndMoveSql([first], first, 0), EVENTS_REFUSED)
    await store.audit.append(revokedEvent())
    await store.transaction((tx) => tx.audit.appendMany([revokedEvent(), revokedEvent(), revokedEvent()]))
    expect((await head()).seq).toBe(4)
    await expectWholeChain()
  })

  it('refuses a head moved short of, past, or beside the newest event, and keeps none of it', async () => {
    const from = await head()
    const [a, b] = chainOnto(from, 2) as [AuditEvent, AuditEvent]
    // Short of the newest: the events go in, the head to the first of them.
    await expectRefused(appendAndMoveSql([a, b], a, from.seq), HEAD_REFUSED)
    // Past it, and to the newest seq with another hash.
    await expectRefused(appendAndMoveSql([a, b], { seq: b.seq + 1, hash: b.hash }, from.seq), HEAD_REFUSED)
    await expectRefused(appendAndMoveSql([a, b], { seq: b.seq, hash: a.hash }, from.seq), HEAD_REFUSED)
    // Backwards, alone.
    await expectRefused(`update audit_head set seq = ${from.seq - 1}, hash = '${from.hash}' where id = 1`, HEAD_REFUSED)
    // A forged run with the head moved onto its end: the event guard refuses it.
    const forged = chainOnto({ seq: from.seq, hash: 'b'.repeat(64) }, 2) as [AuditEvent, AuditEvent]
    await expectRefused(appendAndMoveSql(forged, forged[1], from.seq), EVENTS_REFUSED)
    // The honest statement.
    await client.query(appendAndMoveSql([a, b], b, from.seq))
    expect(await head()).toEqual({ seq: b.seq, hash: b.hash })
    await expectWholeChain()
  })

  it('turns the head guard into an AFTER trigger; down to 0017 puts the BEFORE one back', async () => {
    const timing = async () =>
      (
        await client.query<{ before: boolean }>(
          `select (tgtype & 2) = 2 as before from pg_trigger where tgname = 'audit_head_advance'`,
        )
      ).rows
    expect(await timing()).toEqual([{ before: false }])
    const db = new Kysely<Database>({ dialect: createDialect({ databaseUrl: database.url, poolSize: 1 }).dialect })
    const migrator = migratorFor(db, 'postgres')
    try {
      expect((await migrator.migrateTo('0017-redundant-request-indexes')).error).toBeUndefined()
      expect(await timing()).toEqual([{ before: true }])
      // The BEFORE guard cannot see events inserted beside it: one statement is refused there.
      const from = await head()
      const [next] = chainOnto(from, 1) as [AuditEvent]
      await expectRefused(appendAndMoveSql([next], next, from.seq), HEAD_REFUSED)
      await migrateToLatest(db, 'postgres')
      expect(await timing()).toEqual([{ before: false }])
      await client.query(appendAndMoveSql([next], next, from.seq))
      await store.audit.append(revokedEvent())
      await expectWholeChain()
    } finally {
      await db.destroy()
    }
  })
})
