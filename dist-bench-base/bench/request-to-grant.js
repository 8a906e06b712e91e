import { cedarDecisionRate, jwtSignRate, postgresCommitRates, sqliteCommitRate, } from './support/bare-parts.js';
import { closedLoopRounds, openLoopRounds } from './support/load-rounds.js';
import { benchPostgres } from './support/postgres.js';
import { CONCURRENCY, servedWorld } from './support/served-world.js';
import { measureSpawned } from './support/spawned-load.js';
const TARGETS = {
    sqlite: { throughput: 1000, label: 'SQLite' },
    postgres: { throughput: 500, label: 'PostgreSQL' },
};
const BARE_ROUND_MS = 500;
async function measureLoad(databaseUrl, options) {
    const served = await servedWorld(databaseUrl);
    let closing;
    const { world, driver } = served;
    try {
        // Unmeasured: JIT, Cedar's WebAssembly tier-up, connection pools, the jwt signing key.
        await driver.closed(CONCURRENCY, 3_000);
        const tx0 = world.transactions();
        const act0 = served.activations();
        const closedLoop = await closedLoopRounds(driver, options);
        const transactionsPerRequest = (world.transactions() - tx0) / Math.max(1, served.activations() - act0);
        const openLoop = await openLoopRounds(driver, closedLoop.throughput, options);
        const alone = await served.oneAtATime(options.quick ? 50 : 200);
        return {
            ...closedLoop,
            ...openLoop,
            failed: closedLoop.failed + openLoop.failed,
            firstFailure: closedLoop.firstFailure ?? openLoop.firstFailure,
            transactionsPerRequest,
            submitMs: alone.submitMs,
            issueMs: alone.issueMs,
            dataDir: world.dataDir,
            // Idempotent: the in-process server is closed before the spawned ones start, and again in finally.
            close: () => (closing ??= served.close()),
        };
    }
    catch (error) {
        await served.close();
        throw error;
    }
}
function engineRows(engine, load, bare, commitSeq, commitLoaded) {
    const k = load.transactionsPerRequest;
    const { label } = TARGETS[engine];
    // The bare parts run one after another: the time a request cannot avoid spending.
    const floorMs = 2 * bare.cedar.meanMs + k * commitSeq.meanMs + bare.sign.meanMs;
    const floorThroughput = 1000 / (2 * bare.cedar.meanMs + k * commitLoaded.meanMs + bare.sign.meanMs);
    const rows = [
        {
            metric: `${label}: request → active grant, throughput (${CONCURRENCY} clients)`,
            unit: '/s',
            ours: load.throughput,
            floor: floorThroughput,
            targets: [
                { on: 'ours', op: '>=', value: TARGETS[engine].throughput },
                { on: 'ratio', op: '>=', value: 0.5 },
            ],
        },
        {
            metric: `${label}: p50 latency, closed loop`,
            unit: 'ms',
            ours: load.closedP50,
            floor: floorMs,
            targets: [],
        },
        {
            metric: `${label}: p99 latency, closed loop`,
            unit: 'ms',
            ours: load.closedP99,
            floor: floorMs,
            targets: [],
        },
        {
            metric: `${label}: p99 latency at ${load.openRate}/s (½ measured), open loop`,
            unit: 'ms',
            ours: load.openP99,
            floor: floorMs,
            targets: [{ on: 'ours', op: '<=', value: 25 }],
        },
    ];
    const notes = [
        `${label}: ${k.toFixed(2)} store transactions per request (measured); bare parts per request = 2 Cedar decisions ` +
            `(${bare.cedar.meanMs.toFixed(3)} ms each) + ${k.toFixed(2)} single-row commits (${commitSeq.meanMs.toFixed(3)} ms alone, ` +
            `${commitLoaded.perSecond.toFixed(0)}/s under ${engine === 'postgres' ? `${CONCURRENCY} concurrent` : 'sequential'} load) + ` +
            `1 EdDSA JWT signature (${bare.sign.meanMs.toFixed(3)} ms).`,
    ];
    notes.push(`${label}: one request at a time in process (no socket): submit ${load.submitMs.toFixed(2)} ms, then ` +
        `issuance until active ${load.issueMs.toFixed(2)} ms, against ${floorMs.toFixed(2)} ms of bare parts.`);
    if (load.failed > 0)
        notes.push(`${label}: ${load.failed} requests failed; first: ${load.firstFailure ?? '?'}`);
    return { rows, notes };
}
/** Worker counts of the spawned-server rows: today's one process, and one per core here. */
const SPAWNED_WORKERS = [1, 2];
/**
 * `serve --workers 1` and `--workers 2` spawned one after the other in the same run, next to the
 * same floor as the in-process rows, so the gain from the second core reads as a ratio.
 */
function spawnedRows(engine, runs, floors) {
    const { label } = TARGETS[engine];
    const rows = [];
    const notes = [];
    for (const run of runs) {
        rows.push({
            metric: `${label}: serve --workers ${run.workers} (spawned), throughput`,
            unit: '/s',
            ours: run.throughput,
            floor: floors.floorThroughput,
            targets: [
                { on: 'ours', op: '>=', value: TARGETS[engine].throughput },
                { on: 'ratio', op: '>=', value: 0.5 },
            ],
        }, {
            metric: `${label}: serve --workers ${run.workers}, p99 at ${run.openRate}/s (½ measured), open loop`,
            unit: 'ms',
            ours: run.openP99,
            floor: floors.floorMs,
            targets: [{ on: 'ours', op: '<=', value: 25 }],
        });
        notes.push(`${label}: serve --workers ${run.workers} (spawned): closed loop p50 ${run.closedP50.toFixed(1)} ms, p99 ${run.closedP99.toFixed(1)} ms.`);
        if (run.failed > 0)
            notes.push(`${label}: serve --workers ${run.workers}: ${run.failed} requests failed; first: ${run.firstFailure ?? '?'}`);
    }
    const one = runs.find((r) => r.workers === 1);
    const two = runs.find((r) => r.workers === 2);
    if (one && two)
        notes.push(`${label}: --workers 2 ÷ --workers 1, same run: throughput ${(two.throughput / one.throughput).toFixed(2)}×, ` +
            `closed-loop p50 ${(two.closedP50 / one.closedP50).toFixed(2)}×.`);
    return { rows, notes };
}
async function spawnedPair(pgServerUrl, options, progress) {
    const runs = [];
    for (const workers of SPAWNED_WORKERS) {
        progress(`request: ${pgServerUrl === undefined ? 'SQLite' : 'PostgreSQL'}, serve --workers ${workers} spawned`);
        runs.push(await measureSpawned(workers, pgServerUrl, options));
    }
    return runs;
}
function floorsOf(load, bare, commitSeq, commitLoaded) {
    const k = load.transactionsPerRequest;
    return {
        floorMs: 2 * bare.cedar.meanMs + k * commitSeq.meanMs + bare.sign.meanMs,
        floorThroughput: 1000 / (2 * bare.cedar.meanMs + k * commitLoaded.meanMs + bare.sign.meanMs),
    };
}
export const requestToGrant = {
    name: 'request',
    title: 'Request → active grant over HTTP (orders-read, jwt), vs the bare parts it needs',
    async run(options, progress) {
        const roundsBare = options.rounds;
        const bare = {
            cedar: await cedarDecisionRate(BARE_ROUND_MS, roundsBare),
            sign: await jwtSignRate(BARE_ROUND_MS, roundsBare),
        };
        const rows = [];
        const notes = [];
        progress('request: SQLite load');
        const sqlite = await measureLoad(undefined, options);
        try {
            const commit = await sqliteCommitRate(sqlite.dataDir, BARE_ROUND_MS, roundsBare);
            const out = engineRows('sqlite', sqlite, bare, commit, commit);
            rows.push(...out.rows);
            notes.push(...out.notes);
            await sqlite.close();
            const spawned = spawnedRows('sqlite', await spawnedPair(undefined, options, progress), floorsOf(sqlite, bare, commit, commit));
            rows.push(...spawned.rows);
            notes.push(...spawned.notes);
        }
        finally {
            await sqlite.close();
        }
        progress('request: PostgreSQL load');
        const pg = await benchPostgres(options.pgUrl);
        if ('skipped' in pg) {
            notes.push(`PostgreSQL skipped: ${pg.skipped}`);
        }
        else {
            try {
                const load = await measureLoad(pg.url, options);
                try {
                    const commits = await postgresCommitRates(pg.url, CONCURRENCY, BARE_ROUND_MS, roundsBare);
                    const out = engineRows('postgres', load, bare, commits.sequential, commits.concurrent);
                    rows.push(...out.rows);
                    await load.close();
                    const spawned = spawnedRows('postgres', await spawnedPair(pg.url, options, progress), floorsOf(load, bare, commits.sequential, commits.concurrent));
                    rows.push(...spawned.rows);
                    notes.push(...spawned.notes);
                    notes.push(...out.notes, `PostgreSQL: ${pg.origin}, fsync and synchronous_commit off (as the tests run it), pool of 10.`);
                }
                finally {
                    await load.close();
                }
            }
            finally {
                await pg.stop();
            }
        }
        notes.push('Latency is send → grant active (the activation commit), measured with the server in this process and the ' +
            'clients on a worker thread over keep-alive loopback sockets. The floor runs the bare parts back to back ' +
            '(Cedar via pre-parsed statefulIsAuthorized, better-sqlite3/pg commits, jose EdDSA sign), with no HTTP.');
        return {
            name: this.name,
            title: this.title,
            params: { concurrency: CONCURRENCY, seconds: options.seconds, rounds: options.rounds },
            rows,
            notes,
        };
    },
};
