import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { freePort } from './free-port.js';
import { LoadDriver } from './load-driver.js';
import { closedLoopRounds, openLoopRounds } from './load-rounds.js';
import { REPO_ROOT } from './paths.js';
import { CONCURRENCY, REQUEST_BODY, REQUESTERS } from './served-world.js';
import { spawnUntilReady, tokensFrom } from './spawned-server.js';
const BIN = path.join(REPO_ROOT, 'bin', 'hourglass.js');
/** How often the audit log is read for new activations. */
const POLL_MS = { sqlite: 2, postgres: 5 };
/**
 * Request → active grant against `hourglass serve --workers N` spawned as real processes (the
 * built `dist/`) on a fresh data directory (and a fresh PostgreSQL database), driven by the same
 * load worker and rounds as the in-process rows. A spawned server's signals cannot be tapped, so
 * this process reads the audit log every few milliseconds for `grant.activated` events (in
 * sequence order, past the last one read) and tells the load worker of each one with the time
 * the event records, stamped inside the activation's transaction. Closed-loop clients thus still
 * wait for activation before their next request, as in-process; the clock is the same machine's.
 */
export async function measureSpawned(workers, pgServerUrl, options) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hourglass-bench-serve-'));
    const db = pgServerUrl === undefined ? null : await scratchDatabase(pgServerUrl);
    let server = null;
    let driver = null;
    let poller = null;
    try {
        const port = await freePort();
        const env = {};
        for (const [key, value] of Object.entries(process.env))
            if (!key.startsWith('HOURGLASS_'))
                env[key] = value;
        Object.assign(env, {
            HOURGLASS_DATA_DIR: dataDir,
            HOURGLASS_PORT: String(port),
            HOURGLASS_HOST: '127.0.0.1',
            HOURGLASS_LOG_LEVEL: 'info',
            ...(db === null ? {} : { HOURGLASS_DATABASE_URL: db.url }),
        });
        server = await spawnUntilReady([BIN, 'serve', '--workers', String(workers)], env, port, '/readyz');
        const tokens = tokensFrom(server.stdout());
        const load = new LoadDriver({ url: server.url, tokens: REQUESTERS.map((id) => tokens[id] ?? ''), body: REQUEST_BODY });
        driver = load;
        poller = new ActivationPoller(db === null ? sqliteActivations(path.join(dataDir, 'hourglass.db')) : pgActivations(db.url), db === null ? POLL_MS.sqlite : POLL_MS.postgres, (grantId, at) => {
            load.activated(grantId, at);
        });
        await load.closed(CONCURRENCY, 3_000);
        const closedLoop = await closedLoopRounds(load, options);
        const openLoop = await openLoopRounds(load, closedLoop.throughput, options);
        return {
            workers,
            throughput: closedLoop.throughput,
            closedP50: closedLoop.closedP50,
            closedP99: closedLoop.closedP99,
            openRate: openLoop.openRate,
            openP99: openLoop.openP99,
            failed: closedLoop.failed + openLoop.failed,
            firstFailure: closedLoop.firstFailure ?? openLoop.firstFailure,
        };
    }
    finally {
        await poller?.stop();
        await driver?.stop();
        await server?.stop();
        await db?.drop();
        await rm(dataDir, { recursive: true, force: true });
    }
}
class ActivationPoller {
    #source;
    #lastSeq = 0;
    #stopped = false;
    #loop;
    constructor(source, everyMs, onActive) {
        this.#source = source;
        this.#loop = (async () => {
            while (!this.#stopped) {
                try {
                    for (const e of await source.after(this.#lastSeq)) {
                        this.#lastSeq = e.seq;
                        onActive(e.grantId, e.at);
                    }
                }
                catch {
                    // The database is not there yet (first start) or going away: read again next time.
                }
                await new Promise((r) => setTimeout(r, everyMs));
            }
        })();
    }
    async stop() {
        this.#stopped = true;
        await this.#loop;
        await this.#source.close();
    }
}
const ACTIVATIONS_SQL = "select seq, grant_id, at from audit_events where seq > $1 and type = 'grant.activated' order by seq limit 5000";
function sqliteActivations(file) {
    let db = null;
    let select = null;
    return {
        after(afterSeq) {
            db ??= new SqliteDatabase(file, { readonly: true, fileMustExist: true });
            select ??= db.prepare(ACTIVATIONS_SQL.replace('$1', '?'));
            const rows = select.all(afterSeq);
            return Promise.resolve(rows.map((r) => ({ seq: r.seq, grantId: r.grant_id, at: r.at })));
        },
        close() {
            db?.close();
            return Promise.resolve();
        },
    };
}
function pgActivations(url) {
    let client = null;
    return {
        async after(afterSeq) {
            if (client === null) {
                const c = new pg.Client({ connectionString: url });
                await c.connect();
                client = c;
            }
            const res = await client.query(ACTIVATIONS_SQL, [afterSeq]);
            return res.rows.map((r) => ({ seq: Number(r.seq), grantId: r.grant_id, at: Number(r.at) }));
        },
        async close() {
            await client?.end();
        },
    };
}
/** A database of its own on the benchmark's PostgreSQL server, for one spawned node. */
async function scratchDatabase(serverUrl) {
    const name = `hg_bench_serve_${randomBytes(5).toString('hex')}`;
    const onServer = async (statement) => {
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        try {
            await client.query(statement);
        }
        finally {
            await client.end();
        }
    };
    await onServer(`create database "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { url: url.toString(), drop: () => onServer(`drop database if exists "${name}" with (force)`) };
}
