import { CompiledQuery } from 'kysely'
import type { Database } from './database.js'
import { nameStatement } from './pg-statement-names.js'
import type { Scope } from './scope.js'

/** Rows per SQLite statement at most: 500 rows of 10 columns stay far below its bind limit. */
export const MAX_ROWS_PER_INSERT = 500

/** Remainders above this are cut into these sizes first, so few statement shapes are compiled. */
const EXACT_UP_TO = 64
const LARGE_CHUNKS = [256, 128, 64] as const

const MARK = '\u0000hourglass-row:'

interface Compiled {
  sql: string
  /** Per compiled parameter: [row, column] it takes, or the constant the query itself holds. */
  slots: ReadonlyArray<{ row: number; column: string } | { value: unknown }>
}

/**
 * The row counts a batch of `n` rows is written in: full statements of MAX_ROWS_PER_INSERT, then
 * the rest in one statement when small (the common case: a transaction's few events), else in a
 * few power-of-two pieces, so the compiled shapes stay bounded (about 70 per engine) however the
 * batch sizes vary.
 */
export function chunkSizes(n: number): number[] {
  const sizes: number[] = []
  let left = n
  while (left >= MAX_ROWS_PER_INSERT) {
    sizes.push(MAX_ROWS_PER_INSERT)
    left -= MAX_ROWS_PER_INSERT
  }
  while (left > EXACT_UP_TO) {
    const size = LARGE_CHUNKS.find((c) => c <= left) ?? EXACT_UP_TO
    sizes.push(size)
    left -= size
  }
  if (left > 0) sizes.push(left)
  return sizes
}

/** A column's type in PostgreSQL, for the array it travels in. */
export type PgColumnType = 'text' | 'bigint' | 'integer'

/**
 * A multi-row INSERT into one table with fixed columns. On SQLite it is compiled by Kysely once
 * per row count (as PreparedStatement does for one row: markers in place of the values keep
 * Kysely's parameter order), then bound afresh; rows go in order, each statement seeing the rows
 * before it. On PostgreSQL all rows go in one statement as one array per column
 * (`select … from unnest(…)`): a `values` list of 500 rows and 5,000 parameters cost the server
 * more to parse and plan (about 13 µs a row) than to insert, and the driver to encode.
 */
export class MultiRowInsert<T extends keyof Database> {
  readonly #table: T
  readonly #columns: ReadonlyArray<keyof Database[T] & string>
  readonly #pgTypes: readonly PgColumnType[]
  readonly #compiled = new Map<string, Compiled>()
  /** With a key: rows whose key is taken are skipped (`on conflict (key) do nothing`). */
  readonly #skipTaken: ReadonlyArray<keyof Database[T] & string> | undefined
  #unnest: string | undefined

  /** `columns`: each column and its type in PostgreSQL, in the order they are written. */
  constructor(
    table: T,
    columns: Readonly<Partial<Record<keyof Database[T] & string, PgColumnType>>>,
    options: { skipTaken?: ReadonlyArray<keyof Database[T] & string> } = {},
  ) {
    this.#table = table
    const entries = Object.entries(columns) as Array<[keyof Database[T] & string, PgColumnType]>
    this.#columns = entries.map(([c]) => c)
    this.#pgTypes = entries.map(([, t]) => t)
    this.#skipTaken = options.skipTaken
  }

  async execute(scope: Scope, rows: ReadonlyArray<Database[T]>): Promise<void> {
    if (rows.length === 0) return
    if (scope.engine === 'postgres' && !scope.direct) {
      await scope.db.executeQuery(CompiledQuery.raw(this.postgresSql(), this.postgresArrays(rows)))
      return
    }
    let at = 0
    for (const size of chunkSizes(rows.length)) {
      const compiled = this.#compiledFor(scope, size)
      const parameters = compiled.slots.map((s) =>
        'row' in s
          ? ((rows[at + s.row] as unknown as Record<string, unknown>)[s.column] ?? null)
          : s.value,
      )
      at += size
      if (scope.direct) scope.direct.run(compiled.sql, parameters)
      else await scope.db.executeQuery(CompiledQuery.raw(compiled.sql, parameters))
    }
  }

  /** How many parameters `postgresSql` takes (one per column). */
  get columnCount(): number {
    return this.#columns.length
  }

  /** The arrays `postgresSql` takes, in its parameters' order. */
  postgresArrays(rows: ReadonlyArray<Database[T]>): unknown[][] {
    return this.#columns.map((c) => rows.map((r) => (r as unknown as Record<string, unknown>)[c] ?? null))
  }

  /**
   * PostgreSQL: the INSERT as a text fixed for this table (the rows travel as `$1`… `$n`, one array
   * per column: `postgresArrays`), for a statement that embeds it (a data-modifying WITH).
   */
  postgresSql(): string {
    if (this.#unnest !== undefined) return this.#unnest
    const quoted = (c: string) => `"${c}"`
    const columns = this.#columns.map(quoted).join(', ')
    const arrays = this.#pgTypes.map((t, i) => `$${String(i + 1)}::${t}[]`).join(', ')
    const skip = this.#skipTaken ? ` on conflict (${this.#skipTaken.map(quoted).join(', ')}) do nothing` : ''
    this.#unnest = `insert into ${quoted(this.#table)} (${columns}) select * from unnest(${arrays})${skip}`
    nameStatement(this.#unnest)
    return this.#unnest
  }

  #compiledFor(scope: Scope, size: number): Compiled {
    const key = `${scope.engine}:${size}`
    let compiled = this.#compiled.get(key)
    if (compiled !== undefined) return compiled
    const markers = Array.from({ length: size }, (_, row) =>
      Object.fromEntries(this.#columns.map((c) => [c, `${MARK}${row}:${c}`])),
    )
    const skipTaken = this.#skipTaken
    const insert = scope.db.insertInto(this.#table).values(markers as never)
    const query = (
      skipTaken ? insert.onConflict((oc) => oc.columns(skipTaken).doNothing()) : insert
    ).compile()
    const slots = query.parameters.map((p) => {
      if (typeof p !== 'string' || !p.startsWith(MARK)) return { value: p }
      const [row, column] = p.slice(MARK.length).split(':') as [string, string]
      return { row: Number(row), column }
    })
    // Every value must have reached a placeholder, or a column would be silently dropped.
    if (slots.filter((s) => 'row' in s).length !== size * this.#columns.length) {
      throw new Error(`multi-row insert into ${this.#table} lost a value`)
    }
    compiled = { sql: query.sql, slots }
    this.#compiled.set(key, compiled)
    return compiled
  }
}
