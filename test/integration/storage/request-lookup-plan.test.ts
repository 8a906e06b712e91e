import { Kysely, sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/storage/kysely/database.js'
import { createDialect, type DatabaseOptions } from '../../../src/storage/kysely/dialect.js'
import { migrateToLatest } from '../../../src/storage/kysely/open-store.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()
const cleanups: Array<() => Promise<void>> = []

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
})

async function migrated(engine: 'sqlite' | 'postgres'): Promise<Kysely<Database>> {
  let options: DatabaseOptions = { sqlitePath: ':memory:' }
  if (engine === 'postgres') {
    const database = await freshPgDatabase(baseUrl!)
    cleanups.push(() => database.drop())
    options = { databaseUrl: database.url, poolSize: 1 }
  }
  const db = new Kysely<Database>({ dialect: createDialect(options).dialect })
  cleanups.unshift(() => db.destroy())
  await migrateToLatest(db, engine)
  return db
}

/** The submission's cool-down lookup, as requests.list builds it (see cooldown.ts). */
function cooldownLookup(db: Kysely<Database>) {
  return db
    .selectFrom('requests')
    .selectAll()
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc')
    .where('requester_id', '=', 'alice')
    .where('state', 'in', ['denied'])
    .where('entitlement_id', '=', 'orders-read')
    .limit(20)
    .compile()
}

const engines = baseUrl === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)

describe.each(engines)('the cool-down lookup on %s', (engine) => {
  it('reads its rows in order from one index, without a sort', async () => {
    const db = await migrated(engine)
    const query = cooldownLookup(db)
    if (engine === 'sqlite') {
      const { rows } = await db.executeQuery<{ detail: string }>({
        ...query,
        sql: `explain query plan ${query.sql}`,
      })
      const plan = rows.map((r) => r.detail).join('\n')
      expect(plan).toContain('requests_requester_entitlement_state')
      expect(plan).not.toMatch(/TEMP B-TREE/)
      return
    }
    // An empty table makes any plan cheap; without sequential scans the planner must say which
    // index it would take when the table is large.
    const plan = await db.connection().execute(async (conn) => {
      await sql`set enable_seqscan = off`.execute(conn)
      const { rows } = await conn.executeQuery<{ 'QUERY PLAN': string }>({
        ...query,
        sql: `explain ${query.sql}`,
      })
      return rows.map((r) => r['QUERY PLAN']).join('\n')
    })
    expect(plan).toContain('requests_requester_entitlement_state')
    expect(plan).not.toMatch(/\bSort\b/)
  })
})

/** A lookup's plan on `engine`: SQLite's query plan, or PostgreSQL's with sequential scans off. */
async function planOf(db: Kysely<Database>, engine: 'sqlite' | 'postgres', query: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  if (engine === 'sqlite') {
    const { rows } = await db.executeQuery<{ detail: string }>({ ...cooldownLookup(db), ...query, sql: `explain query plan ${query.sql}` })
    return rows.map((r) => r.detail).join('\n')
  }
  return db.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn)
    const { rows } = await conn.executeQuery<{ 'QUERY PLAN': string }>({ ...cooldownLookup(db), ...query, sql: `explain ${query.sql}` })
    return rows.map((r) => r['QUERY PLAN']).join('\n')
  })
}

// 0017 dropped requests_requester (a prefix of the composite) and requests_ticket_ref (a copy of
// requests_ticket): the lookups they served still find their rows through an index.
describe.each(engines)('lookups after 0017 on %s', (engine) => {
  it("a requester's requests, newest first, come from the composite index", async () => {
    const db = await migrated(engine)
    const query = db
      .selectFrom('requests')
      .selectAll()
      .orderBy('submitted_at', 'desc')
      .orderBy('id', 'desc')
      .where('requester_id', '=', 'alice')
      .limit(50)
      .compile()
    expect(await planOf(db, engine, query)).toContain('requests_requester_entitlement_state')
  })

  it("a ticket's requests come from requests_ticket, the one index left on ticket_ref", async () => {
    const db = await migrated(engine)
    const query = db.selectFrom('requests').selectAll().where('ticket_ref', '=', 'OPS-1').compile()
    const plan = await planOf(db, engine, query)
    expect(plan).toContain('requests_ticket')
    expect(plan).not.toContain('requests_ticket_ref')
    const names =
      engine === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'requests'`.execute(db)
        : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'requests'`.execute(db)
    const indexes = names.rows.map((r) => r.name)
    expect(indexes).not.toContain('requests_requester')
    expect(indexes).not.toContain('requests_ticket_ref')
  })
})
