import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from './database.js'
import { changedOneRow, PreparedStatement } from './prepared-statement.js'
import type { Scope } from './scope.js'

interface Row {
  id: string
  name: string | null
  n: number
}

describe('PreparedStatement', () => {
  let sqlite: SqliteDatabase.Database
  let db: Kysely<Database>
  let scope: Scope
  beforeEach(() => {
    sqlite = new SqliteDatabase(':memory:')
    sqlite.exec('create table t (id text primary key, name text, n integer not null)')
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
    scope = { engine: 'sqlite', db, atomic: (fn) => fn(db) }
  })
  afterEach(async () => {
    await db.destroy()
  })

  // The test table is not in the schema: the builders reach it through an untyped handle.
  const untyped = (d: unknown) => d as Kysely<{ t: Row }>

  it('compiles once and binds each call its own arguments, in Kysely\'s order', async () => {
    let builds = 0
    const insert = new PreparedStatement<Row>((d, row) => {
      builds++
      return untyped(d).insertInto('t').values(row)
    })
    const select = new PreparedStatement<{ min: number; name: string }>((d, a) => {
      builds++
      // Arguments in the opposite order of their placeholders, and a constant among them.
      return untyped(d).selectFrom('t').selectAll().where('n', '>=', a.min).where('name', '=', a.name).where('id', '!=', 'zzz').orderBy('id')
    })
    await insert.execute(scope, { id: 'a', name: 'x', n: 1 })
    await insert.execute(scope, { id: 'b', name: 'x', n: 5 })
    await insert.execute(scope, { id: 'c', name: null, n: 9 })
    const { rows } = await select.execute<Row>(scope, { name: 'x', min: 2 })
    expect(rows).toEqual([{ id: 'b', name: 'x', n: 5 }])
    expect((await select.execute<Row>(scope, { name: 'x', min: 0 })).rows.map((r) => r.id)).toEqual(['a', 'b'])
    expect(builds).toBe(2)
  })

  it('reports one changed row for a compare-and-swap that won, none for one that lost', async () => {
    const insert = new PreparedStatement<Row>((d, row) => untyped(d).insertInto('t').values(row))
    const swap = new PreparedStatement<{ id: string; n: number; from: number }>((d, a) =>
      untyped(d).updateTable('t').set({ n: a.n }).where('id', '=', a.id).where('n', '=', a.from),
    )
    await insert.execute(scope, { id: 'a', name: null, n: 1 })
    expect(changedOneRow(await swap.execute(scope, { id: 'a', n: 2, from: 1 }))).toBe(true)
    expect(changedOneRow(await swap.execute(scope, { id: 'a', n: 3, from: 1 }))).toBe(false)
    expect(sqlite.prepare('select n from t').get()).toEqual({ n: 2 })
  })

  it('refuses a statement that would ignore one of its arguments', async () => {
    const select = new PreparedStatement<{ id: string; extra: string }>((d, a) =>
      untyped(d).selectFrom('t').selectAll().where('id', '=', a.id),
    )
    await expect(select.execute(scope, { id: 'a', extra: 'b' })).rejects.toThrow(/ignores extra/)
  })

  it('compiles a row with other columns to its own SQL', async () => {
    const insert = new PreparedStatement<Partial<Row>>((d, row) => untyped(d).insertInto('t').values(row as Row))
    await insert.execute(scope, { id: 'a', n: 1 })
    await insert.execute(scope, { id: 'b', name: 'y', n: 2 })
    expect(sqlite.prepare('select id, name from t order by id').all()).toEqual([
      { id: 'a', name: null },
      { id: 'b', name: 'y' },
    ])
  })
})
