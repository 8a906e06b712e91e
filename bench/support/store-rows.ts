import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
} from 'kysely'
import type { Database } from '../../src/storage/kysely/database.js'
import { KyselyStore } from '../../src/storage/kysely/kysely-store.js'
import type { Store } from '../../src/storage/store.js'

/** One row as the store's own insert statement would write it: column → bound value. */
export interface CapturedRow {
  table: string
  columns: readonly string[]
  values: Record<string, unknown>
}

/**
 * A PostgreSQL store whose statements go nowhere but into a list, so a bulk seed can write the
 * very rows the store's repositories produce (their row mapping is private to them) instead of
 * a copy of that mapping that could drift from it.
 */
export function rowRecorder(): { store: Store; take(): CapturedRow[] } {
  const sink: CompiledQuery[] = []
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new RecordingDriver(sink),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  })
  return {
    store: new KyselyStore(db, 'postgres'),
    take() {
      const rows = sink.flatMap(rowsOf)
      sink.length = 0
      return rows
    },
  }
}

const INSERT = /^insert into "(\w+)" \(([^)]*)\) values \(([^)]*)\)$/
/** A request with its reviewers in one statement (request-repository.ts): the request's insert, then theirs. */
const REQUEST_WITH_REVIEWERS =
  /^with "r" as \((insert into "requests" \([^)]*\) values \([^)]*\)) returning "id"\) insert into "request_reviewers" \("request_id", "reviewer_id"\) select "r"\."id" as "request_id", unnest\(\$(\d+)::text\[\]\) as "reviewer_id" from "r"$/

/**
 * Single-row inserts of bound values, and a request with its reviewers, are understood; anything
 * else is a loud failure.
 */
function rowsOf(query: CompiledQuery): CapturedRow[] {
  const withReviewers = REQUEST_WITH_REVIEWERS.exec(query.sql)
  if (withReviewers?.[1] && withReviewers[2]) {
    const at = Number(withReviewers[2]) - 1
    const request = rowOf({ ...query, sql: withReviewers[1], parameters: query.parameters.slice(0, at) })
    const reviewers = query.parameters[at]
    if (!Array.isArray(reviewers) || at !== query.parameters.length - 1) {
      throw new Error(`the store wrote a statement the bulk seed cannot mirror: ${query.sql}`)
    }
    return [
      request,
      ...reviewers.map((reviewer: unknown) => ({
        table: 'request_reviewers',
        columns: ['request_id', 'reviewer_id'],
        values: { request_id: request.values.id, reviewer_id: reviewer },
      })),
    ]
  }
  return [rowOf(query)]
}

function rowOf(query: CompiledQuery): CapturedRow {
  const match = INSERT.exec(query.sql)
  const columns = match?.[2]?.split(', ').map((c) => c.replace(/^"|"$/g, ''))
  const placeholders = match?.[3]?.split(', ')
  if (
    !match?.[1] ||
    !columns ||
    placeholders?.length !== columns.length ||
    placeholders.some((p, i) => p !== `$${i + 1}`) ||
    query.parameters.length !== columns.length
  ) {
    throw new Error(`the store wrote a statement the bulk seed cannot mirror: ${query.sql}`)
  }
  const values: Record<string, unknown> = {}
  columns.forEach((column, i) => {
    values[column] = query.parameters[i]
  })
  return { table: match[1], columns, values }
}

class RecordingDriver implements Driver {
  readonly #connection: DatabaseConnection

  constructor(sink: CompiledQuery[]) {
    this.#connection = {
      executeQuery(query) {
        if (/^(insert|update|delete|select|with)\b/i.test(query.sql)) sink.push(query)
        return Promise.resolve({ rows: [] })
      },
      streamQuery() {
        throw new Error('the row recorder does not stream')
      },
    }
  }

  init(): Promise<void> {
    return Promise.resolve()
  }
  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(this.#connection)
  }
  beginTransaction(): Promise<void> {
    return Promise.resolve()
  }
  commitTransaction(): Promise<void> {
    return Promise.resolve()
  }
  rollbackTransaction(): Promise<void> {
    return Promise.resolve()
  }
  releaseConnection(): Promise<void> {
    return Promise.resolve()
  }
  destroy(): Promise<void> {
    return Promise.resolve()
  }
}
