import { Kysely, NO_MIGRATIONS, sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/storage/kysely/database.js'
import { createDialect, type DatabaseOptions } from '../../../src/storage/kysely/dialect.js'
import { migrateToLatest, migratorFor } from '../../../src/storage/kysely/open-store.js'
import { MIGRATIONS } from '../../../src/storage/migrations/index.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()
const cleanups: Array<() => Promise<void>> = []

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
})

async function openRaw(
  engine: 'sqlite' | 'postgres',
): Promise<{ db: Kysely<Database>; engine: 'sqlite' | 'postgres' }> {
  let options: DatabaseOptions = { sqlitePath: ':memory:' }
  if (engine === 'postgres') {
    const database = await freshPgDatabase(baseUrl!)
    cleanups.push(() => database.drop())
    options = { databaseUrl: database.url, poolSize: 2 }
  }
  const { dialect } = createDialect(options)
  const db = new Kysely<Database>({ dialect })
  cleanups.unshift(() => db.destroy())
  return { db, engine }
}

const engines = baseUrl === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)

describe.each(engines)('migrations on %s', (engine) => {
  it('apply in order, once, and report what they applied', async () => {
    const { db } = await openRaw(engine)
    expect(await migrateToLatest(db, engine)).toEqual(MIGRATIONS.map(([name]) => name))
    expect(await migrateToLatest(db, engine)).toEqual([])
  })

  it('roll all the way down and up again', async () => {
    const { db } = await openRaw(engine)
    await migrateToLatest(db, engine)
    const migrator = migratorFor(db, engine)
    const down = await migrator.migrateTo(NO_MIGRATIONS)
    expect(down.error).toBeUndefined()
    await expect(sql`select count(*) from grants`.execute(db)).rejects.toThrow()
    expect(await migrateToLatest(db, engine)).toEqual(MIGRATIONS.map(([name]) => name))
    const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow()
    expect(head).toEqual({ seq: 0, hash: '0'.repeat(64) })
  })
})
