import SqliteDatabase from 'better-sqlite3'
import {
  CompiledQuery,
  PostgresDialect,
  PostgresDriver,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type PostgresDialectConfig,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely'
import pg from 'pg'
import { AppError } from '../../domain/errors.js'
import { BEGIN_HOLDING_CATALOG, holdCatalogAtBegin } from './catalog-lock.js'
import type { Engine } from './database.js'
import type { SqliteConnection } from './direct-sqlite.js'
import { nameStatementsOn } from './pg-statement-names.js'
import { withStatementCache } from './statement-cache.js'
import { startWalCheckpointer, type WalCheckpointOptions } from './wal-checkpointer.js'

export interface DatabaseOptions {
  /** `postgres://` or `postgresql://` selects PostgreSQL; otherwise SQLite at `sqlitePath`. */
  databaseUrl?: string | undefined
  /** A file path, or `:memory:`. */
  sqlitePath?: string | undefined
  /** PostgreSQL pool size; SQLite has one connection. */
  poolSize?: number | undefined
  /**
   * PostgreSQL: send the statements compiled once by name (pg-statement-names.ts); default on.
   * Off for a pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean | undefined
  /** SQLite files: checkpoints on a worker thread (wal-checkpointer.ts); `false` leaves them to SQLite. */
  walCheckpoints?: WalCheckpointOptions | false | undefined
}

const DEFAULT_POOL_SIZE = 10
const CONNECT_TIMEOUT_MS = 10_000
const SQLITE_BUSY_TIMEOUT_MS = 5_000
const INT8_OID = 20

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

/**
 * int8 comes back as a string by default (it can exceed 2^53). Ours are epoch milliseconds,
 * sequence numbers and counts, all far inside the safe integer range.
 */
const defaultParser = pg.types.getTypeParser as (oid: number, format?: string) => unknown
const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string): unknown =>
    oid === INT8_OID ? Number : defaultParser(oid, format)) as typeof pg.types.getTypeParser,
}

/**
 * BEGIN IMMEDIATE takes the write lock when a transaction starts. A deferred BEGIN would upgrade
 * at its first write and fail at once with SQLITE_BUSY, without waiting, whenever another process
 * wrote in between; immediate transactions queue instead, which also serialises audit appends
 * across processes. They queue on the event loop, not in SQLite's busy handler: that handler
 * sleeps the whole thread (1, 2, 5, 10 ms…), so a `serve --workers` process waiting for the lock
 * served nothing meanwhile (2 workers gave 0.93× the requests of 1), and two connections in one
 * thread could never let each other finish. The wait stays bounded by the busy timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #raw: SqliteDatabase.Database | undefined
  constructor(config: SqliteDialectConfig, raw?: SqliteDatabase.Database) {
    super(config)
    this.#raw = raw
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const raw = this.#raw
    if (!raw) {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'))
      return
    }
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      // Not a statement prepared once: SQLite applies `busy_timeout = N` while preparing it, and
      // running such a statement again changes nothing (tried: the waiting store then slept in
      // the busy handler, and the one holding the lock could never finish).
      raw.pragma('busy_timeout = 0')
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'))
        return
      } catch (error) {
        const code = (error as { code?: unknown }).code
        if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() - started > SQLITE_BUSY_TIMEOUT_MS) throw error
      } finally {
        raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
      }
      await new Promise((r) => setTimeout(r, attempt < 4 ? 0 : 1))
    }
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  readonly #raw: SqliteDatabase.Database | undefined

  constructor(config: SqliteDialectConfig, raw?: SqliteDatabase.Database) {
    super(config)
    this.#config = config
    this.#raw = raw
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#raw)
  }
}

/** A transaction asked to hold the catalog takes its shared lock in the round trip of its BEGIN. */
class CatalogHoldingPostgresDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const hold = holdCatalogAtBegin.getStore()
    if (hold?.pending !== true || settings.isolationLevel !== undefined || settings.accessMode !== undefined) {
      return super.beginTransaction(connection, settings)
    }
    hold.pending = false
    // No parameters: sent as one simple query, both statements in one round trip.
    await connection.executeQuery(CompiledQuery.raw(BEGIN_HOLDING_CATALOG))
  }
}

class CatalogHoldingPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig
  constructor(config: PostgresDialectConfig) {
    super(config)
    this.#config = config
  }
  override createDriver(): Driver {
    return new CatalogHoldingPostgresDriver(this.#config)
  }
}

function openSqlite(path: string): SqliteDatabase.Database {
  let db: SqliteDatabase.Database
  try {
    db = new SqliteDatabase(path, { timeout: SQLITE_BUSY_TIMEOUT_MS })
  } catch (error) {
    // better-sqlite3 reports a missing directory as a plain TypeError, without a code.
    throw new AppError('store.unavailable', 'The database is unavailable', { cause: error })
  }
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  // A statement that may abort halfway inside a transaction (a multi-row insert, a row with a
  // unique index) journals the pages it changes so it can be undone alone. Past 64 KiB that
  // journal spills to a temporary file, created, written and unlinked within one request's
  // transaction: under load about one in two request transactions did, and without the open,
  // writes, close and unlink the closed loop served 7-15% more (docs/benchmarks.md, round of
  // 2026-11-25 09:29 UTC). In memory it is a few pages per statement. Temporary tables (an IN
  // list, DISTINCT) stay in memory too; sorts larger than the cache still spill to a file.
  db.pragma('temp_store = MEMORY')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
  return db
}

function openPostgres(url: string, poolSize: number, preparedStatements: boolean): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: PG_TYPES,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'hourglass',
  })
  // An idle client losing its server (restart, failover) is reported here; unhandled, it would
  // crash the process. The next query fails and surfaces as store.unavailable instead.
  pool.on('error', () => undefined)
  // A client the server drops while a transaction holds it (between two statements) reports that
  // on the client, where the pool no longer listens; unheard, the process would crash. Its next
  // statement fails as store.unavailable, and the pool discards it on release.
  pool.on('connect', (client) => {
    client.on('error', () => undefined)
    if (preparedStatements) nameStatementsOn(client)
  })
  return pool
}

export function createDialect(options: DatabaseOptions): {
  dialect: Dialect
  engine: Engine
  /** The SQLite connection the dialect wraps (statement cache included); none on PostgreSQL. */
  sqlite?: SqliteConnection
  /** Resolves once helpers the connection started (the checkpoint worker) have ended after close. */
  closed?: () => Promise<void>
} {
  const url = options.databaseUrl ?? ''
  if (url !== '') {
    if (!isPostgresUrl(url)) {
      // The URL itself may carry a password, so it stays out of the message.
      throw new AppError(
        'config.invalid',
        'The database URL must start with postgres:// or postgresql://',
      )
    }
    const pool = openPostgres(url, options.poolSize ?? DEFAULT_POOL_SIZE, options.preparedStatements ?? true)
    return { dialect: new CatalogHoldingPostgresDialect({ pool }), engine: 'postgres' }
  }
  if (options.sqlitePath === undefined || options.sqlitePath === '') {
    throw new AppError('config.invalid', 'Either a PostgreSQL URL or a SQLite path is required')
  }
  const db = openSqlite(options.sqlitePath)
  const cached = withStatementCache(db)
  let sqlite = cached
  // An in-memory database has no WAL (and no second connection could reach it).
  if (options.sqlitePath !== ':memory:' && options.walCheckpoints !== false) {
    const checkpointer = startWalCheckpointer(db, options.sqlitePath, options.walCheckpoints)
    let stopped: Promise<void> | undefined
    sqlite = {
      get inTransaction() {
        return cached.inTransaction
      },
      prepare: (sql) => cached.prepare(sql),
      close() {
        // Kysely's close is synchronous; the store awaits `closed` after it. The connection closes
        // after the worker's, so it is the last one: closing both at once, neither saw itself
        // last, and the WAL file outlived the store.
        stopped ??= checkpointer.stop().finally(() => {
          cached.close()
        })
      },
    }
    const closed = () => stopped ?? checkpointer.stop()
    return { dialect: new ImmediateSqliteDialect({ database: sqlite }, db), engine: 'sqlite', sqlite, closed }
  }
  return { dialect: new ImmediateSqliteDialect({ database: sqlite }), engine: 'sqlite', sqlite }
}
