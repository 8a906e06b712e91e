import { sql, type Kysely } from 'kysely'
import type { Engine } from '../kysely/database.js'
import type { EngineMigration } from './index.js'

/** A migration of PostgreSQL statements run in order (triggers, functions); nothing on SQLite. */
export function postgresStatements(up: readonly string[], down: readonly string[]): EngineMigration {
  const run = async (db: Kysely<unknown>, engine: Engine, statements: readonly string[]) => {
    if (engine !== 'postgres') return
    for (const statement of statements) await sql.raw(statement).execute(db)
  }
  return {
    up: (db, engine) => run(db, engine, up),
    down: (db, engine) => run(db, engine, down),
  }
}
