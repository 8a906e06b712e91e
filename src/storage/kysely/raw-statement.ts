import { CompiledQuery } from 'kysely'
import type { Engine, Executor } from './database.js'
import type { DirectSqlite } from './direct-sqlite.js'

/** Where a raw statement runs: the scope's executor, or its SQLite connection when it holds it. */
export interface RawTarget {
  db: Executor
  direct?: DirectSqlite | undefined
}

/** Runs the statement and says how many rows it changed. */
export type RawStatement = (target: RawTarget, params: readonly unknown[]) => Promise<number>

/**
 * A write written once as SQL text with `?` placeholders, for the bulk paths (a revocation batch
 * writes thousands of rows a second). Kysely builds and compiles a query tree on every call,
 * which cost several times the statement itself there. Inside a SQLite transaction it runs on
 * the connection directly (see direct-sqlite.ts); otherwise the text goes to the driver as it is,
 * so the SQLite statement cache still prepares it once. PostgreSQL numbers its placeholders
 * (`$1`); the text must hold no `?` other than placeholders.
 */
export function rawStatement(engine: Engine, text: string): RawStatement {
  let n = 0
  const sql = engine === 'postgres' ? text.replace(/\?/g, () => `$${String(++n)}`) : text
  return async ({ db, direct }, params) => {
    if (direct) return direct.run(sql, params)
    const result = await db.executeQuery(CompiledQuery.raw(sql, [...params]))
    return Number(result.numAffectedRows ?? 0n)
  }
}
