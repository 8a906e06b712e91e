import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';
const run = promisify(execFile);
/** Clusters this process started and has not stopped yet. */
const running = new Set();
let signalsHooked = false;
/**
 * A benchmark stopped by SIGTERM or SIGINT (the suite forwards them to the benchmark's process)
 * stops its throwaway clusters before it exits: `pg_ctl start` daemonises the server, so
 * nothing else would, and each one left behind holds memory, a port and a temporary directory.
 */
function stopClustersOnSignal() {
    if (signalsHooked)
        return;
    signalsHooked = true;
    let exiting = false;
    for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
        // Not `once`: a terminal's SIGINT reaches this process and the suite forwards it too, and a
        // second signal must not end the process before its clusters are stopped.
        process.on(signal, () => {
            if (exiting)
                return;
            exiting = true;
            // Exiting anyway: a connection the stop cuts may throw from a client nobody listens to
            // any more, and that must not end the process before the directories are removed.
            process.on('uncaughtException', () => undefined);
            void Promise.allSettled([...running].map((stop) => stop())).then(() => process.exit(code));
        });
    }
}
/**
 * PostgreSQL for a benchmark: a fresh database on the server named by HOURGLASS_BENCH_PG_URL (or
 * --pg-url), else a throwaway cluster started from the installed server binaries (`pg_config
 * --bindir`), as the tests start theirs. Null, with the reason, when neither is possible.
 */
export async function benchPostgres(url) {
    if (url !== undefined && url !== '')
        return freshDatabase(url, 'given server', () => Promise.resolve());
    const bin = await serverBin();
    if (bin === null)
        return { skipped: 'no PostgreSQL server binaries (pg_config --bindir) and no --pg-url' };
    const cluster = await startCluster(bin);
    try {
        return await freshDatabase(cluster.url, `throwaway cluster (${await serverVersion(bin)})`, () => cluster.stop());
    }
    catch (error) {
        await cluster.stop();
        throw error;
    }
}
async function freshDatabase(baseUrl, origin, stopServer) {
    const name = `hg_bench_${randomBytes(6).toString('hex')}`;
    await withClient(baseUrl, (c) => c.query(`create database "${name}"`));
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return {
        url: url.toString(),
        origin,
        async stop() {
            await withClient(baseUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).catch(() => undefined);
            await stopServer();
        },
    };
}
async function withClient(url, fn) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
        await fn(client);
    }
    finally {
        await client.end();
    }
}
async function serverBin() {
    const fromEnv = process.env.HOURGLASS_BENCH_PG_BIN;
    if (fromEnv)
        return fromEnv;
    try {
        return (await run('pg_config', ['--bindir'])).stdout.trim() || null;
    }
    catch {
        return null;
    }
}
async function serverVersion(bin) {
    return (await run(path.join(bin, 'postgres'), ['--version'])).stdout.trim();
}
/** PostgreSQL refuses to run as root: as root, its tools run as the `postgres` user. */
function asServerUser(command, args) {
    return process.getuid?.() === 0
        ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
        : [command, args];
}
async function tool(bin, name, args) {
    const [command, argv] = asServerUser(path.join(bin, name), args);
    await run(command, argv, { timeout: 60_000 });
}
async function giveToServerUser(file) {
    if (process.getuid?.() !== 0)
        return;
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(file, uid, gid);
}
/**
 * Durability as the tests run it (fsync and synchronous_commit off): the floor is measured on the
 * same server, so the ratio is fair, but absolute figures are higher than a durable setup gives.
 */
async function startCluster(bin) {
    const dir = await mkdtemp(path.join(tmpdir(), 'hourglass-bench-pg-'));
    await giveToServerUser(dir);
    const data = path.join(dir, 'data');
    const password = randomBytes(18).toString('base64url');
    const pwfile = path.join(dir, 'pw');
    await writeFile(pwfile, password, { mode: 0o600 });
    await giveToServerUser(pwfile);
    const stop = async () => {
        running.delete(stop);
        await tool(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
    };
    running.add(stop);
    stopClustersOnSignal();
    try {
        await tool(bin, 'initdb', [
            ...['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8'],
            ...['--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '--no-sync'],
        ]);
        await rm(pwfile);
        const port = await startServer(bin, dir, data);
        return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop };
    }
    catch (error) {
        await stop();
        throw error;
    }
}
async function startServer(bin, dir, data) {
    let lastError;
    // The free port can be taken between choosing and binding it: try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
        const port = await freePort();
        const options = [
            ...['-c listen_addresses=127.0.0.1', `-p ${port}`, `-k ${dir}`, '-c max_connections=100'],
            ...['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'],
        ].join(' ');
        try {
            await tool(bin, 'pg_ctl', [
                '-D',
                data,
                '-l',
                path.join(dir, 'server.log'),
                '-w',
                '-t',
                '30',
                '-o',
                options,
                'start',
            ]);
            return port;
        }
        catch (error) {
            lastError = error;
        }
    }
    const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
    throw new Error(`PostgreSQL did not start:\n${log.slice(-2000)}`, { cause: lastError });
}
