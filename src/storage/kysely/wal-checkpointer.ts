import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type SqliteDatabase from 'better-sqlite3'

export interface WalCheckpointOptions {
  /** Pause between PASSIVE checkpoints. */
  intervalMs?: number
  /**
   * WAL frames (pages) above which the worker waits for a checkpoint that lets the WAL restart.
   * At twice this the connection checkpoints by itself, as SQLite normally does (a starved or
   * slow-starting worker must not let the WAL grow without bound).
   */
  maxWalPages?: number
}

/** A few dozen requests' worth of frames at a time. */
const DEFAULT_INTERVAL_MS = 20
/** 8 MB of 4 KB pages, twice what SQLite's own auto-checkpoint lets the WAL reach. */
const DEFAULT_MAX_WAL_PAGES = 2_000

/**
 * Plain JavaScript evaluated in the worker, so it runs the same from the TypeScript sources (tests)
 * and from the build. A PASSIVE checkpoint copies what it can without waiting for anyone. SQLite
 * restarts the WAL from its start only at a write that begins when all of it has been copied, which
 * under steady writes a PASSIVE checkpoint rarely leaves, so past `maxWalPages` the worker tries a
 * RESTART checkpoint (it holds writers off only while copying the few frames written since the
 * PASSIVE one before it). If writers never leave it a gap, the connection's own backstop
 * auto-checkpoint copies the rest right after a commit, and the next write restarts the WAL.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
// No busy waiting: a checkpoint waiting for the writer lock would hold the checkpoint lock, and
// with it the connection's own backstop checkpoint, for as long as it waits.
const db = new Database(workerData.path, { timeout: 0 })
const passive = db.prepare('pragma wal_checkpoint(PASSIVE)')
const restart = db.prepare('pragma wal_checkpoint(RESTART)')
let timer
parentPort.on('message', () => {
  clearTimeout(timer)
  db.close()
  parentPort.close()
})
function step() {
  try {
    const [{ log }] = passive.all()
    if (log > workerData.maxWalPages) restart.all()
  } catch (error) {
    // SQLITE_BUSY (a writer or the backstop checkpoint held a lock): the next round retries.
    if (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') throw error
  }
  timer = setTimeout(step, workerData.intervalMs)
}
step()
`

export interface WalCheckpointer {
  /** Asks the worker to close its connection and end; the store's own close does not wait. */
  stop(): void
}

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection, instead of inside the
 * COMMIT of whichever request crossed SQLite's auto-checkpoint threshold: there a checkpoint
 * copied up to 1,000 pages and synced the database file on the event loop (p99 of a commit 7 ms
 * against a p50 of 0.16 ms, measured on the request benchmark). The connection keeps an
 * auto-checkpoint at twice the worker's bound as a backstop, and gets SQLite's own back if the
 * worker fails, so the WAL stays bounded either way.
 */
export function startWalCheckpointer(
  db: SqliteDatabase.Database,
  path: string,
  options: WalCheckpointOptions = {},
): WalCheckpointer {
  const maxWalPages = options.maxWalPages ?? DEFAULT_MAX_WAL_PAGES
  const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number
  const pageSize = db.pragma('page_size', { simple: true }) as number
  // When the WAL restarts its file is cut back to this, so a burst does not keep its disk space.
  db.pragma(`journal_size_limit = ${2 * maxWalPages * pageSize}`)
  db.pragma(`wal_autocheckpoint = ${2 * maxWalPages}`)
  let stopping = false
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
      maxWalPages,
    },
  })
  // Never what keeps a process alive.
  worker.unref()
  const fallBack = () => {
    if (stopping || !db.open) return
    db.pragma(`wal_autocheckpoint = ${autocheckpoint}`)
  }
  worker.on('error', fallBack)
  worker.on('exit', fallBack)
  return {
    stop() {
      stopping = true
      worker.postMessage('stop')
    },
  }
}
