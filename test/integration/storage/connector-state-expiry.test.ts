/**
 * Migration 0016 and the prune's DELETE: expiry of existing jwt expiry records backfilled from
 * their keys, the DELETE's plan (the exp index to choose, the primary key to delete by, never a
 * walk over every expired row per batch), and on PostgreSQL the re-check of rows another
 * transaction rewrites while the DELETE runs (SQLite runs one writer at a time: nothing can
 * change between the DELETE choosing a row and deleting it).
 */
import { Kysely, sql, type CompiledQuery } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/storage/kysely/database.js'
import { createDialect, type DatabaseOptions } from '../../../src/storage/kysely/dialect.js'
import { connectorStateRepository } from '../../../src/storage/kysely/connector-state-repository.js'
import { migrateToLatest, migratorFor, openStore } from '../../../src/storage/kysely/open-store.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()
const engines = baseUrl === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)
const cleanups: Array<() => Promise<void>> = []

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
})

async function database(
  engine: 'sqlite' | 'postgres',
  log?: (q: CompiledQuery) => void,
): Promise<Kysely<Database>> {
  let options: DatabaseOptions = { sqlitePath: ':memory:' }
  if (engine === 'postgres') {
    const fresh = await freshPgDatabase(baseUrl!)
    cleanups.push(() => fresh.drop())
    options = { databaseUrl: fresh.url, poolSize: 1 }
  }
  const db = new Kysely<Database>({
    dialect: createDialect(options).dialect,
    ...(log
      ? {
          log: (event) => {
            if (event.level === 'query') log(event.query)
          },
        }
      : {}),
  })
  cleanups.unshift(() => db.destroy())
  return db
}

describe.each(engines)('migration 0016 on %s', (engine) => {
  it('backfills exp of jwt targets’ expiry records from their keys, and nothing else', async () => {
    const db = await database(engine)
    const migrator = migratorFor(db, engine)
    expect((await migrator.migrateTo('0015-audit-chain-per-statement')).error).toBeUndefined()
    const target = (id: string, kind: string) => ({
      id,
      kind,
      name: id,
      config: '{}',
      reconcile: '{}',
      created_at: 0,
      updated_at: 0,
    })
    await db
      .insertInto('targets')
      .values([target('tokens', 'jwt'), target('hosts', 'ssh')])
      .execute()
    const rows: Array<[string, string]> = [
      ['tokens', 'expired:1790000000'],
      ['tokens', 'expired:12'],
      ['tokens', 'revoked:abc'],
      ['tokens', 'signing-key'],
      ['tokens', 'audience:xyz'],
      ['tokens', 'expired:'],
      ['tokens', 'expired:12x'],
      ['tokens', 'expired:-5'],
      ['hosts', 'expired:1790000000'],
      // State of a target the catalog does not name (yet): its kind is unknown.
      ['gone', 'expired:1790000000'],
    ]
    // Before 0016 there is no exp column to write: the row type's exp is optional and left out.
    await db
      .insertInto('connector_state')
      .values(rows.map(([target_id, key]) => ({ target_id, key, value: 'sealed' })))
      .execute()

    expect((await migrator.migrateToLatest()).error).toBeUndefined()
    const after = await db
      .selectFrom('connector_state')
      .select(['target_id', 'key', 'exp'])
      .execute()
    const exps = new Map(after.map((r) => [`${r.target_id}/${r.key}`, r.exp]))
    expect(Object.fromEntries(exps)).toEqual({
      'tokens/expired:1790000000': 1_790_000_000,
      'tokens/expired:12': 12,
      'tokens/revoked:abc': null,
      'tokens/signing-key': null,
      'tokens/audience:xyz': null,
      'tokens/expired:': null,
      'tokens/expired:12x': null,
      'tokens/expired:-5': null,
      'hosts/expired:1790000000': null,
      'gone/expired:1790000000': null,
    })
  })
})

describe.each(engines)('the prune DELETE’s plan on %s', (engine) => {
  it('chooses through the exp index and deletes by primary key', async () => {
    let sent: CompiledQuery[] = []
    const db = await database(engine, (q) => sent.push(q))
    await migrateToLatest(db, engine)
    // Enough rows that a plan walking every expired row costs what it is. Statistics only on
    // PostgreSQL (autovacuum gathers them); nothing runs ANALYZE on a SQLite database.
    for (let b = 0; b < 40; b++) {
      await db
        .insertInto('connector_state')
        .values(
          Array.from({ length: 1_000 }, (_, i) => ({
            target_id: b % 8 === 0 ? 'other' : 'tokens',
            key: `expired:${String(b * 1_000 + i)}`,
            value: 'sealed',
            exp: b * 1_000 + i,
          })),
        )
        .execute()
    }
    if (engine === 'postgres') await sql`analyze connector_state`.execute(db)
    const index =
      engine === 'sqlite'
        ? sql<{
            def: string
          }>`select sql as def from sqlite_master where name = 'connector_state_exp'`
        : sql<{
            def: string
          }>`select indexdef as def from pg_indexes where indexname = 'connector_state_exp'`
    // Partial: signing keys, audiences and never-issued records (exp null) are not in it.
    expect((await index.execute(db)).rows[0]?.def).toMatch(/where \(?exp is not null\)?$/i)
    const repo = connectorStateRepository({ engine, db, atomic: (fn) => fn(db) })
    sent = []
    expect(await repo.deleteExpired('tokens', 30_000, 1_000)).toBe(1_000)
    const [statement] = sent
    expect(sent).toHaveLength(1)
    const explain = engine === 'sqlite' ? 'explain query plan ' : 'explain (costs off) '
    const plan = await db.executeQuery<Record<string, string>>({
      ...statement!,
      sql: explain + statement!.sql,
    })
    const text = plan.rows.map((r) => r.detail ?? r['QUERY PLAN'] ?? '').join('\n')
    if (engine === 'sqlite') {
      expect(text).toMatch(/USING INDEX connector_state_exp \(target_id=\? AND exp>\? AND exp<\?\)/)
      expect(text).toMatch(
        /SEARCH connector_state USING INDEX sqlite_autoindex_connector_state_1 \(target_id=\? AND key=\?\)/,
      )
    } else {
      expect(text).toMatch(/Index Scan using connector_state_exp/)
      expect(text).toMatch(
        /Index Scan using connector_state_pk on connector_state\s+Index Cond: \(\(target_id = 'tokens'::text\) AND \(key = ANY/,
      )
    }
    expect(text).not.toMatch(/SCAN connector_state|Seq Scan|Hash/)
  })
})

describe.skipIf(baseUrl === null)(
  'deleteExpired against a concurrent rewrite on PostgreSQL',
  () => {
    it('keeps a row whose exp another transaction moved on while the DELETE waited for it', async () => {
      const fresh = await freshPgDatabase(baseUrl!)
      cleanups.push(() => fresh.drop())
      const store = await openStore({ databaseUrl: fresh.url, poolSize: 2 })
      cleanups.unshift(() => store.close())
      const writer = new pg.Client({ connectionString: fresh.url })
      const watcher = new pg.Client({ connectionString: fresh.url })
      await writer.connect()
      await watcher.connect()
      cleanups.unshift(async () => {
        await writer.end()
        await watcher.end()
      })
      const repo = store.connectorState
      for (const [key, exp] of [
        ['a', 10],
        ['later', 20],
        ['forever', 30],
        ['still-below', 40],
      ] as const) {
        await repo.put('tokens', key, 'sealed', exp)
      }

      await writer.query('begin')
      await writer.query(
        `update connector_state set exp = 500 where target_id = 'tokens' and key = 'later'`,
      )
      await writer.query(
        `update connector_state set exp = null where target_id = 'tokens' and key = 'forever'`,
      )
      await writer.query(
        `update connector_state set exp = 50 where target_id = 'tokens' and key = 'still-below'`,
      )
      // Chosen by the DELETE's snapshot (all four below 100), then waiting on the writer's row locks.
      const deleting = repo.deleteExpired('tokens', 100, 1_000)
      const deadline = Date.now() + 10_000
      for (;;) {
        const { rows } = await watcher.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )
        if (Number(rows[0]?.n) > 0) break
        if (Date.now() > deadline) throw new Error('the DELETE never waited for the writer’s locks')
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      await writer.query('commit')

      expect(await deleting).toBe(2)
      const left = await repo.getMany('tokens', ['a', 'later', 'forever', 'still-below'])
      expect([...left.keys()].sort()).toEqual(['forever', 'later'])
    })
  },
)
