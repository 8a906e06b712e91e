import SqliteDatabase from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { withStatementCache } from './statement-cache.js'

describe('withStatementCache', () => {
  let raw: SqliteDatabase.Database | null = null
  afterEach(() => {
    raw?.close()
    raw = null
  })

  function open(capacity?: number) {
    raw = new SqliteDatabase(':memory:')
    raw.exec('create table t (n integer)')
    raw.exec('insert into t values (1), (2), (3)')
    return withStatementCache(raw, capacity)
  }

  it('prepares a statement once and reuses it for the same text', () => {
    const db = open()
    const first = db.prepare('select n from t where n > ?')
    expect(db.prepare('select n from t where n > ?')).toBe(first)
    expect(first.all([1])).toEqual([{ n: 2 }, { n: 3 }])
    expect(first.all([2])).toEqual([{ n: 3 }])
  })

  it('gives a fresh statement while the cached one is still iterating', () => {
    const db = open()
    const outer = db.prepare('select n from t order by n')
    const seen: number[] = []
    for (const row of outer.iterate([]) as Iterable<{ n: number }>) {
      const inner = db.prepare('select n from t order by n')
      expect(inner).not.toBe(outer)
      seen.push(row.n, (inner.all([]) as Array<{ n: number }>).length)
    }
    expect(seen).toEqual([1, 3, 2, 3, 3, 3])
  })

  it('stays within its capacity, dropping the oldest entry first', () => {
    const db = open(2)
    const a = db.prepare('select 1')
    const b = db.prepare('select 2')
    db.prepare('select 3')
    expect(db.prepare('select 2')).toBe(b)
    expect(db.prepare('select 1')).not.toBe(a)
  })

  it('sees schema changes made after a statement was cached', () => {
    const db = open()
    db.prepare('select * from t').all([])
    raw?.exec('alter table t add column m integer default 7')
    expect(db.prepare('select * from t').all([])).toContainEqual({ n: 1, m: 7 })
  })
})
