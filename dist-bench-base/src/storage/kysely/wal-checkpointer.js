import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
/** A few dozen requests' worth of frames at a time. */
const DEFAULT_INTERVAL_MS = 20;
/** 16 MB of 4 KB pages, four times what SQLite's own auto-checkpoint lets the WAL reach. */
const DEFAULT_MAX_WAL_PAGES = 4_000;
/**
 * Plain JavaScript evaluated in the worker, so it runs the same from the TypeScript sources (tests)
 * and from the build. A PASSIVE checkpoint copies what it can without waiting for anyone and
 * without holding writers off. SQLite restarts the WAL from its start only at a write that begins
 * when all of it has been copied, which a pause in writing gives; when writers never pause, the
 * connection's backstop auto-checkpoint finds little left to copy, and the next write restarts
 * the WAL. (A RESTART checkpoint here would take the writer lock, and the event loop would sleep
 * in SQLite's busy handler meanwhile: measured, it cost more at the tail than it saved.)
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { timeout: 0, fileMustExist: true })
const passive = db.prepare('pragma wal_checkpoint(PASSIVE)')
let timer
parentPort.on('message', () => {
  clearTimeout(timer)
  db.close()
  parentPort.close()
})
function step() {
  try {
    passive.run()
  } catch (error) {
    // SQLITE_BUSY (the connection's own checkpoint held the lock): the next round retries.
    if (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') throw error
  }
  timer = setTimeout(step, workerData.intervalMs)
}
step()
`;
/** A worker that has not ended by then (stuck in SQLite) is terminated. */
const STOP_GRACE_MS = 2_000;
/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection, instead of inside the
 * COMMIT of whichever request crossed SQLite's auto-checkpoint threshold: there a checkpoint
 * copied up to 1,000 pages and synced the database file on the event loop (p99 of a commit 7 ms
 * against a p50 of 0.16 ms, measured on the request benchmark). The connection keeps a higher
 * auto-checkpoint as a backstop, and gets SQLite's own back if the worker fails, so the WAL stays
 * bounded either way.
 */
export function startWalCheckpointer(db, path, options = {}) {
    const maxWalPages = options.maxWalPages ?? DEFAULT_MAX_WAL_PAGES;
    const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true });
    const pageSize = db.pragma('page_size', { simple: true });
    // When the WAL restarts its file is cut back to this, so a burst does not keep its disk space.
    db.pragma(`journal_size_limit = ${maxWalPages * pageSize}`);
    db.pragma(`wal_autocheckpoint = ${maxWalPages}`);
    let stopping = false;
    const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
            driver: createRequire(import.meta.url).resolve('better-sqlite3'),
            path,
            intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
        },
    });
    // Never what keeps a process alive.
    worker.unref();
    const fallBack = () => {
        if (stopping || !db.open)
            return;
        db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
    };
    worker.on('error', fallBack);
    const exited = new Promise((resolve) => {
        worker.on('exit', () => {
            fallBack();
            resolve();
        });
    });
    let stopped;
    return {
        stop() {
            stopped ??= (async () => {
                stopping = true;
                worker.postMessage('stop');
                const grace = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
                await exited;
                clearTimeout(grace);
            })();
            return stopped;
        },
    };
}
