import { createHash } from 'node:crypto'
import type pg from 'pg'

/*
 * Named (server-side prepared) statements on PostgreSQL, for the statements the store compiles
 * once (PreparedStatement, MultiRowInsert, the grant batch update). Sent unnamed, as Kysely sends
 * everything, the server parses and plans each of them on every call: on the request benchmark a
 * tenth of the machine's CPU went to PostgreSQL's parser and planner. A named statement is parsed
 * once per connection, and after five calls the server may keep a generic plan (its own choice,
 * plan_cache_mode = auto: it keeps planning afresh where the arguments change the plan, as with a
 * partial index on a state). Only texts fixed in code are named, so the statements each
 * connection keeps on the server are bounded by the code, not by the data.
 */

const names = new Map<string, string>()

/** Registers a statement text fixed in code; its name is the same in every process. */
export function nameStatement(sql: string): void {
  if (names.has(sql)) return
  names.set(sql, `hg_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`)
}

/** The registered name of a statement text, if it has one. */
export function statementName(sql: string): string | undefined {
  return names.get(sql)
}

type Query = (config: unknown, values?: unknown, callback?: unknown) => Promise<unknown> | undefined

/**
 * Sends the registered statements of this connection by name. When another process changes a
 * table under a prepared `select *` (a rolling upgrade's migration adds a column), PostgreSQL
 * refuses the statement for good on that connection ("cached plan must not change result type").
 * The text then gets a fresh name on this connection, so the next call prepares it again; a call
 * outside a transaction is retried at once, one inside fails as its transaction must.
 */
export function nameStatementsOn(client: pg.Client): void {
  const query = client.query.bind(client) as Query
  const renamed = new Map<string, string>()
  let generation = 0
  const named: Query = (config, values, callback) => {
    const base = typeof config === 'string' && callback === undefined && Array.isArray(values)
      ? statementName(config)
      : undefined
    if (base === undefined) return query(config, values, callback)
    const text = config as string
    const idle = client.getTransactionStatus() === 'I'
    const run = (as: string) => query({ name: as, text, values }) as Promise<unknown>
    return run(renamed.get(text) ?? base).catch((error: unknown) => {
      if (!isStalePlan(error)) throw error
      generation += 1
      const fresh = `${base}_${String(generation)}`
      renamed.set(text, fresh)
      if (!idle) throw error
      return run(fresh)
    })
  }
  ;(client as unknown as { query: Query }).query = named
}

/**
 * By its SQLSTATE (feature_not_supported) alone: the message is translated where the server's
 * lc_messages is not English. Any other such error fails again on the retry, which changes nothing.
 */
function isStalePlan(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '0A000'
}
