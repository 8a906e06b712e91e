import { Kysely, sql, type CompiledQuery } from 'kysely'
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest'
import type { Database, Executor } from '../../../src/storage/kysely/database.js'
import { createDialect, type DatabaseOptions } from '../../../src/storage/kysely/dialect.js'
import { grantRepository, type GrantColumnsComplete } from '../../../src/storage/kysely/grant-repository.js'
import { reportRepository } from '../../../src/storage/kysely/report-repository.js'
import { migrateToLatest } from '../../../src/storage/kysely/open-store.js'
import type { Scope } from '../../../src/storage/kysely/scope.js'
import type { GrantRepository, ReportRepository } from '../../../src/storage/store.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

/*
 * Migration 0013 replaced the `(state, …)` indexes by partial ones per state. A planner takes a
 * partial index only when it can prove the query's predicate implies the index's, so a query that
 * binds its state as a parameter (or lists states in another order) silently falls back to a
 * scan of every grant ever written. These are the plans of the grant repository's own statements.
 */

const baseUrl = pgUrlOrSkip()
const cleanups: Array<() => Promise<void>> = []

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
})

interface Captured {
  db: Kysely<Database>
  grants: GrantRepository
  reports: ReportRepository
  /** Runs a repository call and returns the statements it sent. */
  statements: (call: () => Promise<unknown>) => Promise<CompiledQuery[]>
}

async function migrated(engine: 'sqlite' | 'postgres'): Promise<Captured> {
  let options: DatabaseOptions = { sqlitePath: ':memory:' }
  if (engine === 'postgres') {
    const database = await freshPgDatabase(baseUrl!)
    cleanups.push(() => database.drop())
    options = { databaseUrl: database.url, poolSize: 1 }
  }
  let sent: CompiledQuery[] = []
  const db = new Kysely<Database>({
    dialect: createDialect(options).dialect,
    log: (event) => {
      if (event.level === 'query') sent.push(event.query)
    },
  })
  cleanups.unshift(() => db.destroy())
  await migrateToLatest(db, engine)
  const scope: Scope = { engine, db, atomic: (fn) => fn(db) }
  return {
    db,
    grants: grantRepository(scope),
    reports: reportRepository(scope),
    statements: async (call) => {
      sent = []
      await call()
      return sent
    },
  }
}

async function planOf(engine: 'sqlite' | 'postgres', db: Executor, query: CompiledQuery): Promise<string> {
  if (engine === 'sqlite') {
    const { rows } = await db.executeQuery<{ detail: string }>({ ...query, sql: `explain query plan ${query.sql}` })
    return rows.map((r) => r.detail).join('\n')
  }
  // An empty table makes any plan cheap; without sequential scans the planner must say which
  // index it would take when the table is large.
  return (db as Kysely<Database>).connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn)
    const { rows } = await conn.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `explain ${query.sql}` })
    return rows.map((r) => r['QUERY PLAN']).join('\n')
  })
}

const NOW = new Date('2026-11-24T09:00:00Z')

/** Each due-work query, and the partial indexes its plan must read (and nothing else). */
const QUERIES: ReadonlyArray<readonly [name: string, call: (g: GrantRepository) => Promise<unknown>, indexes: string[]]> = [
  ['listExpiringBefore', (g) => g.listExpiringBefore(NOW, 100), ['grants_active_expires']],
  [
    'listExpiringBefore, a later page',
    (g) => g.listExpiringBefore(NOW, 100, { expiresAt: NOW, id: 'grt_x' }),
    ['grants_active_expires'],
  ],
  [
    'listResumableRevocations',
    (g) => g.listResumableRevocations(NOW, 100),
    ['grants_revoking_lease', 'grants_revoke_failed_next', 'grants_irrevocable_next'],
  ],
  [
    'listRevocable',
    (g) => g.listRevocable(NOW, 100),
    ['grants_active_expires', 'grants_revoking_lease', 'grants_revoke_failed_next', 'grants_irrevocable_next'],
  ],
  [
    'listIssuable',
    (g) => g.listIssuable(NOW, 100),
    ['grants_scheduled_starts', 'grants_issue_failed_next', 'grants_issuing_lease'],
  ],
  ['countActiveByConnector', (g) => g.countActiveByConnector(), ['grants_active_expires']],
  ['countOverdue', (g) => g.countOverdue(NOW), ['grants_active_expires', 'grants_revoking_lease', 'grants_revoke_failed_next']],
  [
    'countByState',
    (g) => g.countByState(),
    ['grants_active_expires', 'grants_scheduled_starts', 'grants_issuing_lease', 'grants_issue_failed_next'],
  ],
  ['list of active grants', (g) => g.list({ states: ['active'], limit: 10 }), ['grants_active_expires']],
  [
    'list of grants in two states',
    (g) => g.list({ states: ['active', 'revoking'], limit: 10 }),
    ['grants_active_expires', 'grants_revoking_lease'],
  ],
  [
    'listHeldByInactiveSubjects',
    (g) => g.listHeldByInactiveSubjects(['active', 'revoking'], 10),
    ['grants_subject'],
  ],
]

// getMany's direct SQLite path reads rows as arrays of a listed set of columns; tsc fails here
// when a column added to GrantRow is missing from that list.
expectTypeOf<GrantColumnsComplete>().toEqualTypeOf<true>()

const engines = baseUrl === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)

describe.each(engines)('the grant due-work queries on %s', (engine) => {
  it.each(QUERIES)('%s reads the partial indexes of its states, not the table', async (_name, call, indexes) => {
    const { db, grants, statements } = await migrated(engine)
    const [query, ...more] = await statements(() => call(grants))
    expect(more).toEqual([])
    const plan = await planOf(engine, db, query!)
    for (const index of indexes) expect(plan, plan).toContain(index)
    // No full pass over grants: SQLite says SCAN for one, PostgreSQL Seq Scan (disabled above,
    // so it would appear only where no index can serve the query at all).
    expect(plan, plan).not.toMatch(/SCAN grants(?! USING)|Seq Scan/)
  })

  it("the report's windows on revoked_at and revoke_due_at read their partial indexes", async () => {
    const { db, reports, statements } = await migrated(engine)
    const sent = await statements(() => reports.grants(new Date(NOW.getTime() - 86_400_000), NOW))
    const plans = await Promise.all(sent.map((q) => planOf(engine, db, q)))
    for (const [column, index] of [['revoked_at', 'grants_revoked'], ['revoke_due_at', 'grants_revoke_due']]) {
      const i = sent.findIndex((q) => new RegExp(`"g"\\."${column}" >= .* and "g"\\."${column}" <`).test(q.sql))
      expect(i, `the ${column} window`).toBeGreaterThanOrEqual(0)
      expect(plans[i], plans[i]).toContain(index)
    }
  })
})
