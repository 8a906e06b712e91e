/**
 * Migration 0014: every grant stores its share bucket. Rows written before it get theirs from
 * one SQL statement that must compute exactly `shareBucketOf`, on both engines; rows written
 * after it get theirs from the store's insert; and on PostgreSQL the heap fill of one node
 * (`listExpiringBefore` with its buckets) reads the partial index in order, without a sort.
 */
import path from 'node:path'
import { Kysely, sql } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { RevocationShare } from '../../../src/domain/revocation-share.js'
import { shareBucketOf, shareBucketSql } from '../../../src/domain/share-bucket.js'
import { randomIdSource } from '../../../src/security/random-id-source.js'
import { timeOrderedIdSource } from '../../../src/security/time-ordered-id-source.js'
import type { Database } from '../../../src/storage/kysely/database.js'
import { createDialect, type DatabaseOptions } from '../../../src/storage/kysely/dialect.js'
import { grantRepository } from '../../../src/storage/kysely/grant-repository.js'
import { migratorFor } from '../../../src/storage/kysely/open-store.js'
import { bulkSeedActiveGrants, seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { BOTH_ENGINES, worldOn } from '../../support/engine-worlds.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()
const engines = baseUrl === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)
const cleanups: Array<() => Promise<void>> = []

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
})

async function databaseFor(engine: 'sqlite' | 'postgres'): Promise<DatabaseOptions> {
  if (engine === 'sqlite') return { sqlitePath: ':memory:' }
  const database = await freshPgDatabase(baseUrl!)
  cleanups.push(() => database.drop())
  return { databaseUrl: database.url, poolSize: 1 }
}

function kysely(options: DatabaseOptions): Kysely<Database> {
  const db = new Kysely<Database>({ dialect: createDialect(options).dialect })
  cleanups.unshift(() => db.destroy())
  return db
}

/** Ids of every shape the function must agree on: ours, short ones, non-ASCII ones. */
function sampleIds(): string[] {
  let ms = Date.UTC(2026, 10, 24)
  const ordered = timeOrderedIdSource({ now: () => new Date(Math.floor(ms++ / 20)) })
  return [
    ...Array.from({ length: 1_500 }, () => randomIdSource.newId('grt')),
    ...Array.from({ length: 1_500 }, () => ordered.newId('grt')),
    'a', 'ab', 'abc', 'abcd', 'g-1', 'grt_é', 'grt_日本語', 'Z~!@', '0000', 'zzzz',
  ]
}

describe.each(engines)('share buckets on %s', (engine) => {
  it('the backfill of migration 0014 writes shareBucketOf(id) into rows written before it', async () => {
    const options = await databaseFor(engine)
    const db = kysely(options)
    const migrator = migratorFor(db, engine)
    expect((await migrator.migrateTo('0012-lifecycle-nodes')).error).toBeUndefined()
    const ids = sampleIds()
    // Grant rows alone, without the requests and identities they refer to: only the id matters.
    await sql.raw(engine === 'sqlite' ? 'pragma foreign_keys = off' : 'set session_replication_role = replica').execute(db)
    for (let i = 0; i < ids.length; i += 500) {
      await db
        .insertInto('grants')
        .values(
          ids.slice(i, i + 500).map((id) => ({
            id, request_id: 'r', subject_id: 's', entitlement_id: 'e', target_id: 't', connector_kind: 'jwt',
            state: 'active' as const, target_name: 'n', starts_at: 0, expires_at: 1, issue_attempts: 0,
            revoke_attempts: 0, created_at: 0, version: 1,
          })) as never,
        )
        .execute()
    }
    expect((await migrator.migrateToLatest()).error).toBeUndefined()
    const rows = await db.selectFrom('grants').select(['id', 'share_bucket']).execute()
    expect(rows).toHaveLength(ids.length)
    const wrong = rows.filter((r) => r.share_bucket !== shareBucketOf(r.id))
    expect(wrong).toEqual([])
    // The ids spread: a real function of the id, not a constant the test would also pass with.
    expect(new Set(rows.map((r) => r.share_bucket)).size).toBeGreaterThan(900)
    // And the expression the migration ran is the one the domain exports.
    const { rows: [probe] } = await sql<{ b: number | string }>`select ${sql.raw(shareBucketSql(engine, "'grt_wxyz'"))} as b`.execute(db)
    expect(Number(probe?.b)).toBe(shareBucketOf('grt_wxyz'))
  })
})

describe.each(BOTH_ENGINES)('share buckets through the store (%s)', (engine) => {
  const on = worldOn(engine)

  it.skipIf(on.skip)('the store writes the bucket at insert, and the heap fill asks for a node’s buckets only', async () => {
    const { store, ids } = on.world.runtime.deps
    const now = on.world.clock.now()
    const seeded = await seedActiveGrants(store, ids, 300, now, (i) => new Date(now.getTime() + 60_000 + i * 1_000))
    const db = new Kysely<Database>({
      dialect: createDialect(
        on.databaseUrl !== null
          ? { databaseUrl: on.databaseUrl, poolSize: 1 }
          : { sqlitePath: path.join(on.world.dataDir, 'hourglass.db') },
      ).dialect,
    })
    onTestFinished(() => db.destroy())
    const rows = await db.selectFrom('grants').select(['id', 'share_bucket']).execute()
    expect(rows).toHaveLength(300)
    expect(rows.filter((r) => r.share_bucket !== shareBucketOf(r.id))).toEqual([])
    const a = new RevocationShare('node-a', ['node-b'])
    const b = new RevocationShare('node-b', ['node-a'])
    const until = new Date(now.getTime() + 3_600_000)
    const ofA = await store.grants.listExpiringBefore(until, 10_000, undefined, a.buckets)
    const ofB = await store.grants.listExpiringBefore(until, 10_000, undefined, b.buckets)
    expect(ofA.map((g) => g.id).sort()).toEqual(seeded.filter((id) => a.owns(id)).sort())
    expect(ofB.map((g) => g.id).sort()).toEqual(seeded.filter((id) => b.owns(id)).sort())
    expect(ofA.length).toBeGreaterThan(90)
    expect(ofB.length).toBeGreaterThan(90)
    // Soonest first within a share too, and paging on works as without buckets.
    const times = ofA.map((g) => g.expiresAt.getTime())
    expect(times).toEqual([...times].sort((x, y) => x - y))
    expect(await store.grants.listExpiringBefore(until, 10, ofA[9], a.buckets)).toEqual(ofA.slice(10, 20))
    expect(await store.grants.listExpiringBefore(until, 10, undefined, [])).toEqual([])
  })
})

describe('the heap fill on PostgreSQL', () => {
  const on = worldOn('PostgreSQL')

  it.skipIf(on.skip)('reads one node’s share from the partial index in expiry order, without a sort', async () => {
    const { store } = on.world.runtime.deps
    const url = on.databaseUrl ?? ''
    const now = on.world.clock.now()
    // A revocation window's worth of active grants (a share several pages long), and revoked
    // ones beside them.
    await bulkSeedActiveGrants(store, url, randomIdSource, 60_000, now, (i) => new Date(now.getTime() + 60_000 + i))
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    // Closed in the test: the block's database is dropped before the file's cleanups run.
    onTestFinished(() => client.end())
    await client.query("update grants set state = 'revoked' where expires_at < $1", [now.getTime() + 70_000])
    await client.query('analyze grants')

    // The statement the repository sends, captured on its way to the database.
    const captured: Array<{ sql: string; parameters: readonly unknown[] }> = []
    const db = new Kysely<Database>({
      dialect: createDialect({ databaseUrl: url, poolSize: 1 }).dialect,
      log: (event) => {
        if (event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters })
      },
    })
    onTestFinished(() => db.destroy())
    const grants = grantRepository({ engine: 'postgres', db, atomic: (fn) => fn(db) })
    const share = new RevocationShare('node-a', ['node-b'])
    const until = new Date(now.getTime() + 3_600_000)
    const after = { expiresAt: new Date(now.getTime() + 75_000), id: '' }
    const page = await grants.listExpiringBefore(until, 5_000, after, share.buckets)
    expect(page).toHaveLength(5_000)
    expect(page.every((g) => share.owns(g.id))).toBe(true)
    const query = captured.at(-1)
    if (!query) throw new Error('no statement captured')
    expect(query.sql).toContain('share_bucket = any(')
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${query.sql}`, [...query.parameters])
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n')
    expect(plan, plan).toContain('grants_active_expires')
    expect(plan, plan).not.toMatch(/\bSort\b/)
    expect(plan, plan).not.toMatch(/Seq Scan/)
  })
})
