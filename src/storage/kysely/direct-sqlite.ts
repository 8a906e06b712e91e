import type { SqliteDatabase as KyselySqliteDatabase, QueryResult } from 'kysely'

/** The one SQLite connection as the store holds it: Kysely's view, plus whether a transaction is open on it. */
export interface SqliteConnection extends KyselySqliteDatabase {
  readonly inTransaction: boolean
}

/**
 * Synchronous statements on the one SQLite connection, for a scope that holds it: an open
 * transaction (Kysely's connection mutex keeps every other query out until it ends). Kysely's
 * executor costs several times what SQLite takes to run a short write (a six-column grant update:
 * about 65 µs through it against 11 µs direct, measured side by side), which is most of a
 * revocation batch's time. Used by statements compiled once (`PreparedStatement`) on scopes that hold the
 * connection.
 */
export interface DirectSqlite {
  /** Runs a write; returns how many rows it changed. */
  run(sql: string, params: readonly unknown[]): number
  /** Runs any statement and answers as Kysely's SQLite driver would. */
  execute<R>(sql: string, params: readonly unknown[]): QueryResult<R>
  /**
   * Runs a read and answers each row as the array of its columns, in the select's order: for a
   * wide row, better-sqlite3 building an object took as long as SQLite finding the row (a
   * revocation batch's read of 500 grants).
   */
  values(sql: string, params: readonly unknown[]): unknown[][]
}

/** The part of better-sqlite3's statement that Kysely's SQLite types leave out. */
interface RawStatement {
  raw(on: boolean): unknown
  all(params: readonly unknown[]): unknown[]
}

export function directSqlite(db: KyselySqliteDatabase, isHeld: () => boolean): DirectSqlite {
  return {
    run(sql, params) {
      // A scope kept past its transaction's end must not write outside it (or inside another's).
      if (!isHeld()) throw new Error('direct SQLite access outside its transaction')
      return Number(db.prepare(sql).run(params).changes)
    },
    execute<R>(sql: string, params: readonly unknown[]): QueryResult<R> {
      if (!isHeld()) throw new Error('direct SQLite access outside its transaction')
      const statement = db.prepare(sql)
      if (statement.reader) return { rows: statement.all(params) as R[] }
      const { changes } = statement.run(params)
      return { rows: [], numAffectedRows: BigInt(changes) }
    },
    values(sql, params) {
      if (!isHeld()) throw new Error('direct SQLite access outside its transaction')
      const statement = db.prepare(sql) as unknown as RawStatement
      // Statements are shared through the cache (statement-cache.ts): objects again for the next user.
      statement.raw(true)
      try {
        return statement.all(params) as unknown[][]
      } finally {
        statement.raw(false)
      }
    },
  }
}
