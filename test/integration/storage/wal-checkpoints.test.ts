import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import SqliteDatabase from 'better-sqlite3'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import { startWalCheckpointer } from '../../../src/storage/kysely/wal-checkpointer.js'
import type { Store } from '../../../src/storage/store.js'
import { anIdentity } from '../../support/builders.js'

// Checkpoints run on a worker thread (wal-checkpointer.ts), not in the COMMIT of a request. Under
// writes with no pause at all the WAL must still stay bounded, and nothing committed may be lost
// whether the store closes or the process stops without closing it.

const dirs: string[] = []
const stores: Store[] = []
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hourglass-wal-'))
  dirs.push(dir)
  return dir
}

function size(file: string): number {
  return existsSync(file) ? statSync(file).size : 0
}

const ROWS = 6_000
/** About 3 KB a row: some 18 MB of table pages in all, each written to the WAL first. */
const PADDING = 'x'.repeat(3_000)
const MAX_WAL_PAGES = 200

describe('SQLite checkpoints off the request path', () => {
  it('keep the WAL bounded under back-to-back commits, and lose nothing', async () => {
    const dir = freshDir()
    const file = path.join(dir, 'hourglass.db')
    const store = await openStore({ sqlitePath: file, walCheckpoints: { intervalMs: 2, maxWalPages: MAX_WAL_PAGES } })
    stores.push(store)
    let maxWal = 0
    for (let i = 0; i < ROWS; i++) {
      await store.transaction((tx) => tx.identities.insert(anIdentity({ id: `user-${i}`, displayName: `${PADDING}${i}` })))
      if (i % 25 === 0) maxWal = Math.max(maxWal, size(`${file}-wal`))
      // The worker needs the CPU too; on a loaded machine give it a turn now and then.
      if (i % 250 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const written = size(file) + size(`${file}-wal`)
    expect(written).toBeGreaterThan(16 * 1024 * 1024)
    // Without checkpoints the WAL holds every page written: some 250 MB here. With them it holds
    // what commits add while a checkpoint is under way, which a loaded machine stretches.
    expect(maxWal).toBeLessThan(32 * 1024 * 1024)
    // And once writes leave the worker a moment, the next write restarts the WAL and cuts its
    // file back to the limit.
    let extra = 0
    while (size(`${file}-wal`) > MAX_WAL_PAGES * 4096 && extra < 200) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      await store.transaction((tx) => tx.identities.insert(anIdentity({ id: `extra-${extra++}` })))
    }
    expect(size(`${file}-wal`)).toBeLessThanOrEqual(MAX_WAL_PAGES * 4096)

    // A process that stops without closing leaves the database and its WAL as they are on disk.
    const crashed = path.join(freshDir(), 'hourglass.db')
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(`${file}${suffix}`)) copyFileSync(`${file}${suffix}`, `${crashed}${suffix}`)
    }
    const afterCrash = await openStore({ sqlitePath: crashed })
    stores.push(afterCrash)
    expect((await afterCrash.identities.list()).length).toBe(ROWS + extra)

    await store.close()
    const reopened = await openStore({ sqlitePath: file })
    stores.push(reopened)
    const all = await reopened.identities.list()
    expect(all.length).toBe(ROWS + extra)
    expect((await reopened.identities.get(`user-${ROWS - 1}`))?.displayName).toBe(`${PADDING}${ROWS - 1}`)
  }, 60_000)

  it('are taken by the worker: with the backstop out of reach the database file still grows', async () => {
    const file = path.join(freshDir(), 'hourglass.db')
    const store = await openStore({ sqlitePath: file, walCheckpoints: { intervalMs: 2, maxWalPages: 1_000_000 } })
    stores.push(store)
    const before = size(file)
    for (let i = 0; i < 500; i++) {
      await store.transaction((tx) => tx.identities.insert(anIdentity({ id: `user-${i}`, displayName: `${PADDING}${i}` })))
    }
    // Only a checkpoint writes pages into the database file; the connection itself would not
    // before 1,000,000 WAL pages.
    for (let waited = 0; size(file) < before + 1024 * 1024 && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(size(file)).toBeGreaterThanOrEqual(before + 1024 * 1024)
  }, 30_000)
  // A worker still starting when its store closed used to open the database again, creating it in
  // a directory being removed (rm failed with ENOTEMPTY in tests, or a stray file was left).
  it('end before stop resolves: the closing connection is the last, and removes the WAL', async () => {
    const file = path.join(freshDir(), 'hourglass.db')
    const db = new SqliteDatabase(file)
    db.pragma('journal_mode = WAL')
    db.exec('create table t (x); insert into t values (1)')
    const checkpointer = startWalCheckpointer(db, file, { intervalMs: 2 })
    // Let the worker open its connection.
    await new Promise((r) => setTimeout(r, 300))
    await checkpointer.stop()
    db.close()
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it('never create the database they were started for', async () => {
    const dir = freshDir()
    const file = path.join(dir, 'hourglass.db')
    const db = new SqliteDatabase(':memory:')
    const checkpointer = startWalCheckpointer(db, file, { intervalMs: 2 })
    await new Promise((r) => setTimeout(r, 300))
    await checkpointer.stop()
    db.close()
    expect(existsSync(file)).toBe(false)
  })
  it('end before the store closing them resolves its close', async () => {
    const file = path.join(freshDir(), 'hourglass.db')
    const store = await openStore({ sqlitePath: file, walCheckpoints: { intervalMs: 2 } })
    await store.transaction((tx) => tx.identities.insert(anIdentity()))
    await new Promise((r) => setTimeout(r, 300))
    await store.close()
    expect(existsSync(`${file}-wal`)).toBe(false)
  })
})
