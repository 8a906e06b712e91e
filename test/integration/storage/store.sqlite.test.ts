import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/domain/errors.js'
import { createDialect } from '../../../src/storage/kysely/dialect.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import { describeStoreContract } from '../../contracts/store.contract.js'

const dir = mkdtempSync(join(tmpdir(), 'hourglass-sqlite-'))
const path = join(dir, 'hourglass.db')

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describeStoreContract(
  'sqlite',
  () => openStore({ sqlitePath: path }),
  async (statement) => {
    // A connection of its own, as an operator's sqlite3 shell would have.
    const db = new Database(path)
    try {
      await Promise.resolve(db.exec(statement))
    } finally {
      db.close()
    }
  },
)

describe('SQLite store', () => {
  it('uses WAL so readers never wait for the writer', async () => {
    const store = await openStore({ sqlitePath: path })
    await store.close()
    const db = new Database(path)
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    } finally {
      db.close()
    }
  })

  it('a transaction holds the write lock from BEGIN, so no other process writes between its read and write', async () => {
    const store = await openStore({ sqlitePath: path })
    // A second connection stands in for another process; a short timeout keeps this test fast.
    const intruder = new Database(path, { timeout: 50 })
    const insert = intruder.prepare(
      "insert into connector_state (target_id, key, value) values ('intruder', 'k', 'v')",
    )
    try {
      const { head, event } = await store.transaction(async (tx) => {
        const head = await tx.audit.head()
        expect(() => insert.run()).toThrow(/locked|busy/i)
        const event = await tx.audit.append({
          id: `evt-lock-${head.seq}`,
          at: new Date(0),
          type: 'audit.checkpoint',
          actor: 'system:test',
          data: {},
        })
        return { head, event }
      })
      // An event's place in the chain is fixed at commit (audit-repository.ts).
      expect(event.seq).toBe(head.seq + 1)
      expect(() => insert.run()).not.toThrow()
    } finally {
      intruder.close()
      await store.close()
    }
  })

  it('opens and migrates an in-memory database', async () => {
    const store = await openStore({ sqlitePath: ':memory:' })
    try {
      expect(store.engine).toBe('sqlite')
      expect(await store.audit.head()).toEqual({ seq: 0, hash: '0'.repeat(64) })
    } finally {
      await store.close()
    }
  })

  it('reopening an existing database applies no migration twice and keeps its data', async () => {
    const file = join(dir, 'reopen.db')
    const first = await openStore({ sqlitePath: file })
    await first.connectorState.put('t', 'k', 'kept')
    await first.close()
    const second = await openStore({ sqlitePath: file })
    try {
      expect(await second.connectorState.get('t', 'k')).toBe('kept')
    } finally {
      await second.close()
    }
  })

  it('keeps a statement journal in memory: a large write inside a transaction opens no temporary file', async () => {
    // SQLite names its temporary files etilqs_* and unlinks them as soon as they are open, so
    // only the process's descriptors show one (Linux).
    const temporaryFiles = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).includes('etilqs_')
        } catch {
          return false // the directory's own descriptor, closed by now
        }
      })
    const { sqlite, closed } = createDialect({ sqlitePath: join(dir, 'journal.db'), walCheckpoints: false })
    if (sqlite === undefined) throw new Error('expected a SQLite connection')
    try {
      sqlite.prepare('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)').run([])
      const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)')
      for (let i = 0; i < 4000; i++) insert.run([`value-${i}-${'x'.repeat(40)}`])
      const before = temporaryFiles().length
      sqlite.prepare('BEGIN IMMEDIATE').run([])
      // Every row, under a unique index: the statement may abort halfway, so SQLite journals
      // each page it changes (well past the 64 KiB that would spill to a file).
      const changed = sqlite.prepare("UPDATE t SET v = v || '!'").run([])
      const during = temporaryFiles().length
      sqlite.prepare('ROLLBACK').run([])
      expect(changed.changes).toBe(4000)
      expect(during).toBe(before)
    } finally {
      sqlite.close()
      await closed?.()
    }
  })

  it('reports a path it cannot open as store.unavailable', async () => {
    const error = await openStore({ sqlitePath: join(dir, 'missing', 'dir', 'x.db') }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('store.unavailable')
  })

  it('rejects a database URL of another kind and a missing SQLite path as config.invalid', async () => {
    for (const options of [{ databaseUrl: 'mysql://u:secret@db/x' }, {}]) {
      const error = await openStore(options).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).code).toBe('config.invalid')
      expect((error as AppError).message).not.toContain('secret')
    }
  })
})
