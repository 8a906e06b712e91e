import { Kysely, Migrator } from 'kysely';
import { StaticMigrationProvider } from '../migrations/index.js';
import { createDialect } from './dialect.js';
import { KyselyStore } from './kysely-store.js';
import { toStoreError } from './store-errors.js';
const MIGRATION_TABLE = 'hourglass_migrations';
const MIGRATION_LOCK_TABLE = 'hourglass_migrations_lock';
/**
 * Brings the schema to the newest migration. Safe to run from several processes at once: Kysely
 * holds its migration lock (an advisory lock on PostgreSQL, the write lock on SQLite).
 * Returns the names of the migrations it applied.
 */
export async function migrateToLatest(db, engine) {
    const migrator = new Migrator({
        db,
        provider: new StaticMigrationProvider(engine),
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error !== undefined) {
        throw error instanceof Error ? error : new Error('migration failed', { cause: error });
    }
    return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
/**
 * Opens the store and migrates it: PostgreSQL for a `postgres://` URL, else SQLite at sqlitePath.
 *
 * @example
 * const store = await openStore({ sqlitePath: ':memory:' })
 * await store.transaction(async (tx) => tx.identities.insert(alice))
 */
export async function openStore(options) {
    const { dialect, engine, sqlite, closed } = createDialect(options);
    const db = new Kysely({ dialect });
    try {
        await migrateToLatest(db, engine);
    }
    catch (error) {
        await db.destroy().catch(() => undefined);
        await closed?.();
        throw toStoreError(error);
    }
    return new KyselyStore(db, engine, sqlite, closed);
}
