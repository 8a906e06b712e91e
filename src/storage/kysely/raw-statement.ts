import { CompiledQuery, type QueryResult } from 'kysely'
import type { Engine, Executor } from './database.js'

export type RawStatement = (db: Executor, params: readonly unknown[]) => Promise<QueryResult<unknown>>

/**
 * A statement written once as SQL text with `?` placeholders, for the bulk paths (a revocation
 * batch writes thousands of rows a second). Kysely builds and compiles a query tree on every
 * call, which cost several times the statement itself there (a 28-column grant update: about
 * 250 µs of building against 17 µs in SQLite). The text goes to the driver as it is, so on
 * SQLite the statement cache prepares it once. PostgreSQL numbers its placeholders (`$1`); the
 * text must hold no `?` other than placeholders.
 */
export function rawStatement(engine: Engine, text: string): RawStatement {
  let n = 0
  const sql = engine === 'postgres' ? text.replace(/\?/g, () => `$${String(++n)}`) : text
  return (db, params) => db.executeQuery(CompiledQuery.raw(sql, [...params]))
}

/** Whether a raw compare-and-swap write changed exactly one row. */
export function changedExactlyOne(result: QueryResult<unknown>): boolean {
  return result.numAffectedRows === 1n
}
