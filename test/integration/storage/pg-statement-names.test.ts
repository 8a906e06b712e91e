import { CompiledQuery, Kysely, sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDialect } from '../../../src/storage/kysely/dialect.js'
import { nameStatement, statementName } from '../../../src/storage/kysely/pg-statement-names.js'
import { freshPgDatabase, pgUrlOrSkip, withClient } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()

/** One connection, so the session whose prepared statements are listed is the one that ran them. */
function oneConnection(url: string, preparedStatements?: boolean): Kysely<Record<string, never>> {
  const { dialect } = createDialect({ databaseUrl: url, poolSize: 1, preparedStatements })
  return new Kysely({ dialect })
}

async function preparedNames(db: Kysely<Record<string, never>>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db)
  return rows.map((r) => r.name)
}

/** Another process's migration: its own session. */
function alterElsewhere(url: string, statement: string): Promise<void> {
  return withClient(url, (client) => client.query(statement))
}

describe.skipIf(baseUrl === null)('PostgreSQL named statements', () => {
  let database: { url: string; drop(): Promise<void> } | undefined
  let db: Kysely<Record<string, never>> | undefined
  const url = () => {
    if (!database) throw new Error('no test database')
    return database.url
  }
  const registered = 'select * from scratch where id = $1'
  const unregistered = 'select v from scratch where id = $1'
  nameStatement(registered)

  beforeAll(async () => {
    database = await freshPgDatabase(baseUrl!)
    await alterElsewhere(url(), "create table scratch (id text primary key, v text); insert into scratch values ('a', 'one')")
  })

  afterEach(async () => {
    await db?.destroy()
    db = undefined
  })

  afterAll(async () => {
    await database?.drop()
  })

  it('prepares a registered statement once per connection and sends the others unnamed', async () => {
    db = oneConnection(url())
    for (let i = 0; i < 3; i++) {
      const { rows } = await db.executeQuery(CompiledQuery.raw(registered, ['a']))
      expect(rows).toEqual([{ id: 'a', v: 'one' }])
    }
    await db.executeQuery(CompiledQuery.raw(unregistered, ['a']))
    expect(await preparedNames(db)).toEqual([statementName(registered)])
  })

  it('prepares nothing when turned off', async () => {
    db = oneConnection(url(), false)
    await db.executeQuery(CompiledQuery.raw(registered, ['a']))
    expect(await preparedNames(db)).toEqual([])
  })

  it('keeps working when another process adds a column under a prepared select *', async () => {
    db = oneConnection(url())
    await db.executeQuery(CompiledQuery.raw(registered, ['a']))
    await alterElsewhere(url(), 'alter table scratch add column w text')
    // Outside a transaction: re-prepared under a fresh name and retried at once.
    const { rows } = await db.executeQuery(CompiledQuery.raw(registered, ['a']))
    expect(rows).toEqual([{ id: 'a', v: 'one', w: null }])

    await alterElsewhere(url(), 'alter table scratch add column x text')
    // Inside one, PostgreSQL has aborted the transaction: it fails, and the next one prepares afresh.
    const inTransaction = () =>
      db!.transaction().execute((trx) => trx.executeQuery(CompiledQuery.raw(registered, ['a'])))
    await expect(inTransaction()).rejects.toThrow(/cached plan must not change result type/)
    const again = await inTransaction()
    expect(again.rows).toEqual([{ id: 'a', v: 'one', w: null, x: null }])
  })
})
