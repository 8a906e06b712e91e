import { CompiledQuery, type Compilable, type QueryResult } from 'kysely'
import type { Engine, Executor } from './database.js'
import { nameStatement } from './pg-statement-names.js'
import type { Scope } from './scope.js'

type Markers<A> = { readonly [K in keyof A]: never }

interface Compiled {
  sql: string
  /** Per compiled parameter: the argument it takes, or the constant the query itself holds. */
  slots: ReadonlyArray<{ arg: string } | { value: unknown }>
}

const MARK = '\u0000hourglass-arg:'

/**
 * A statement Kysely builds and compiles once per engine and argument shape, then runs with
 * fresh arguments: building and compiling the query tree cost more than SQLite takes to run our
 * one-row statements, on every call of the hottest paths. The parameter order stays Kysely's own:
 * the first compile puts a marker where each argument goes, and the compiled parameters say
 * which argument each placeholder takes. `build` must use each marker as a plain value (no
 * lists, no branching on it), so that one compile holds for every later call.
 */
export class PreparedStatement<A extends object> {
  readonly #build: (db: Executor, args: Markers<A>, engine: Engine) => Compilable
  readonly #compiled = new Map<string, Compiled>()

  constructor(build: (db: Executor, args: Markers<A>, engine: Engine) => Compilable) {
    this.#build = build
  }

  /** Runs it in the scope (its transaction, if any). */
  async execute<R>(scope: Scope, args: A): Promise<QueryResult<R>> {
    const keys = Object.keys(args)
    // The argument names, in order, are part of the key: a row with other columns compiles to
    // other SQL (the same names in another order only compile once more).
    const key = `${scope.engine}:${keys.join(',')}`
    const db = scope.db
    let compiled = this.#compiled.get(key)
    if (compiled === undefined) {
      compiled = this.#compile(db, keys, scope.engine)
      this.#compiled.set(key, compiled)
    }
    // Kysely leaves an undefined value out of an insert or update; here it binds as NULL.
    const values = args as Record<string, unknown>
    const parameters = compiled.slots.map((s) => ('arg' in s ? (values[s.arg] ?? null) : s.value))
    // Inside a SQLite transaction the connection is ours: straight to it, past Kysely's executor
    // (see direct-sqlite.ts).
    if (scope.direct) return scope.direct.execute<R>(compiled.sql, parameters)
    return db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))
  }

  #compile(db: Executor, keys: string[], engine: Engine): Compiled {
    const markers = Object.fromEntries(keys.map((k) => [k, `${MARK}${k}`])) as unknown as Markers<A>
    const query = this.#build(db, markers, engine).compile()
    const slots = query.parameters.map((p) =>
      typeof p === 'string' && p.startsWith(MARK) ? { arg: p.slice(MARK.length) } : { value: p },
    )
    const used = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])))
    const unused = keys.filter((k) => !used.has(k))
    // An argument the SQL does not take would be silently ignored on every later call.
    if (unused.length > 0) throw new Error(`prepared statement ignores ${unused.join(', ')}`)
    // Fixed from here on: PostgreSQL may parse and plan it once per connection.
    if (engine === 'postgres') nameStatement(query.sql)
    return { sql: query.sql, slots }
  }
}

/** Whether a write through executeQuery changed exactly one row (compare-and-swap). */
export function changedOneRow(result: QueryResult<unknown>): boolean {
  return result.numAffectedRows === 1n
}
