import type { Engine, Executor } from './database.js'
import type { DirectSqlite } from './direct-sqlite.js'
import type { RowCache } from './row-cache.js'

/** What a repository runs on: the store's root handle or one open transaction. */
export interface Scope {
  readonly engine: Engine
  /** Executor for single statements. */
  readonly db: Executor
  /**
   * Runs several statements as one unit: inside the caller's transaction when there is one,
   * otherwise in a transaction of its own, so a repository call is never half-applied.
   */
  atomic<T>(fn: (db: Executor, direct?: DirectSqlite) => Promise<T>): Promise<T>
  /**
   * True inside one open transaction: what it wrote cannot change under it until commit (its
   * locks hold other writers off), so a repository may remember it for the transaction's length.
   */
  readonly transactional?: boolean
  /** The SQLite connection itself, while this scope's transaction holds it (bulk paths only). */
  readonly direct?: DirectSqlite | undefined
  /**
   * Inside a store transaction: runs `hook` once the transaction's work is done, just before it
   * commits, in the order added; a hook that throws rolls the transaction back with its error.
   * For writes a repository defers to the end (the audit appends, see audit-repository.ts).
   */
  readonly beforeCommit?: (hook: () => Promise<void>) => void
  /** Committed rows of rarely written tables (SQLite only): read outside transactions, forgotten on writes. */
  readonly rows?: RowCache | undefined
}
