import { Kysely, Migrator } from 'kysely'
import { StaticMigrationProvider } from '../migrations/index.js'
import type { Store } from '../store.js'
import type { Database, Engine } from './database.js'
import { createDialect, type DatabaseOptions } from './dialect.js'
import { KyselyStore } from './kysely-store.js'
import { toStoreError } from './store-errors.js'

export type { DatabaseOptions } from './dialect.js'

const MIGRATION_TABLE = 'hourglass_migrations'
const MIGRATION_LOCK_TABLE = 'hourglass_migrations_lock'

/** Our migrations on `db`, with the tables they keep their state in (to move to a given one). */
export function migratorFor(db: Kysely<Database>, engine: Engine): Migrator {
  return new Migrator({
    db,
    provider: new StaticMigrationProvider(engine),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  })
}

/**
 * Brings the schema to the newest migration. Safe to run from several processes at once: Kysely
 * holds its migration lock (an advisory lock on PostgreSQL, the write lock on SQLite).
 * Returns the names of the migrations it applied.
 */
export async function migrateToLatest(db: Kysely<Database>, engine: Engine): Promise<string[]> {
  const { error, results = [] } = await migratorFor(db, engine).migrateToLatest()
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error('migration failed', { cause: error })
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/**
 * Opens the store and migrates it: PostgreSQL for a `postgres://` URL, else SQLite at sqlitePath.
 *
 * @example
 * const store = await openStore({ sqlitePath: ':memory:' })
 * await store.transaction(async (tx) => tx.identities.insert(alice))
 */
export async function openStore(options: DatabaseOptions): Promise<Store> {
  const { dialect, engine, sqlite, closed } = createDialect(options)
  const db = new Kysely<Database>({ dialect })
  try {
    await migrateToLatest(db, engine)
  } catch (error) {
    await db.destroy().catch(() => undefined)
    await closed?.()
    throw toStoreError(error)
  }
  return new KyselyStore(db, engine, sqlite, closed)
}
