import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { BEAT_MS, type NodeMessage } from './revocation-protocol.js'
import { seedActiveGrants } from './seed-grants.js'
import { nowMs } from './stats.js'
import { startBenchWorld } from './world.js'

/*
 * The node under test in the revocation benchmark, in a process of its own: on SQLite a backlog
 * of revocations can hold its event loop for minutes, and the benchmark's clock must not wait for
 * it. `node revocation-node.js <grants> <windowMs> <leadMs>` seeds, starts the engine, reports
 * `ready` over IPC, then beats until the benchmark kills it.
 */

/** Expiries are parked beyond the engine's horizon while seeding, then moved into the window. */
const PARKED_MS = 86_400_000

function send(message: NodeMessage): void {
  process.send?.(message)
}

/**
 * Moves every parked expiry into the window in one statement. It goes around the store because
 * the store has no bulk update, and it runs before the engine starts, so nothing observes it.
 */
function moveIntoWindow(dbFile: string, shiftMs: number): void {
  const db = new SqliteDatabase(dbFile, { timeout: 5_000 })
  try {
    db.prepare(
      "update grants set expires_at = expires_at + ?, handle = json_set(handle, '$.exp', cast((expires_at + ?) / 1000 as integer)) where state = ?",
    ).run(shiftMs, shiftMs, 'active')
  } finally {
    db.close()
  }
}

async function main(): Promise<void> {
  const [count, windowMs, leadMs] = process.argv.slice(2).map(Number)
  if (count === undefined || windowMs === undefined || leadMs === undefined) {
    throw new Error('usage: revocation-node.js <grants> <windowMs> <leadMs>')
  }
  const world = await startBenchWorld()
  const dbFile = path.join(world.dataDir, 'hourglass.db')
  const parked = Date.now() + PARKED_MS
  const seedStart = nowMs()
  // With the runtime's ids (time-ordered, as `serve` mints them), in expiry order: grants of one
  // duration are created in the order they expire, so a window's grants are neighbours in the
  // grant-keyed indexes, as they would be in production. (Random ids, as seeded before, put each
  // on a leaf of its own and cost about 1.5× the CPU per revocation: docs/benchmarks.md.)
  await seedActiveGrants(
    world.store,
    world.runtime.deps.ids,
    count,
    new Date(),
    (i) => new Date(parked + (i * windowMs) / count),
  )
  const seedMs = nowMs() - seedStart
  const base = Date.now() + leadMs
  moveIntoWindow(dbFile, base - parked)
  setInterval(() => {
    send({ type: 'beat' })
  }, BEAT_MS)
  const startAt = nowMs()
  await world.runtime.engine.start()
  const engineStartMs = nowMs() - startAt
  send({
    type: 'ready',
    dataDir: world.dataDir,
    dbFile,
    base,
    windowEnd: base + windowMs,
    seedMs,
    engineStartMs,
  })
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
})
