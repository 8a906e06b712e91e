import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { randomIdSource } from '../../src/security/random-id-source.js';
import { BEAT_MS } from './revocation-protocol.js';
import { seedActiveGrants } from './seed-grants.js';
import { nowMs } from './stats.js';
import { startBenchWorld } from './world.js';
/*
 * The node under test in the revocation benchmark, in a process of its own: on SQLite a backlog
 * of revocations can hold its event loop for minutes, and the benchmark's clock must not wait for
 * it. `node revocation-node.js <grants> <windowMs> <leadMs>` seeds, starts the engine, reports
 * `ready` over IPC, then beats until the benchmark kills it.
 */
/** Expiries are parked beyond the engine's horizon while seeding, then moved into the window. */
const PARKED_MS = 86_400_000;
function send(message) {
    process.send?.(message);
}
/**
 * Moves every parked expiry into the window in one statement. It goes around the store because
 * the store has no bulk update, and it runs before the engine starts, so nothing observes it.
 */
function moveIntoWindow(dbFile, shiftMs) {
    const db = new SqliteDatabase(dbFile, { timeout: 5_000 });
    try {
        db.prepare('update grants set expires_at = expires_at + ? where state = ?').run(shiftMs, 'active');
    }
    finally {
        db.close();
    }
}
async function main() {
    const [count, windowMs, leadMs] = process.argv.slice(2).map(Number);
    if (count === undefined || windowMs === undefined || leadMs === undefined) {
        throw new Error('usage: revocation-node.js <grants> <windowMs> <leadMs>');
    }
    const world = await startBenchWorld();
    const dbFile = path.join(world.dataDir, 'hourglass.db');
    const parked = Date.now() + PARKED_MS;
    const seedStart = nowMs();
    await seedActiveGrants(world.store, randomIdSource, count, new Date(), (i) => new Date(parked + (i * windowMs) / count));
    const seedMs = nowMs() - seedStart;
    const base = Date.now() + leadMs;
    moveIntoWindow(dbFile, base - parked);
    setInterval(() => {
        send({ type: 'beat' });
    }, BEAT_MS);
    const startAt = nowMs();
    await world.runtime.engine.start();
    const engineStartMs = nowMs() - startAt;
    send({
        type: 'ready',
        dataDir: world.dataDir,
        dbFile,
        base,
        windowEnd: base + windowMs,
        seedMs,
        engineStartMs,
    });
}
main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
