import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './support/free-port.js';
import { LoadDriver } from './support/load-driver.js';
import { REPO_ROOT } from './support/paths.js';
import { residentMemory, spawnUntilReady, tokensFrom } from './support/spawned-server.js';
import { median } from './support/stats.js';
import { CONCURRENCY, REQUEST_BODY, REQUESTERS } from './support/served-world.js';
const BIN = path.join(REPO_ROOT, 'bin', 'hourglass.js');
const SETTLE_MS = 2_000;
/** The least a Node HTTP server costs: start, listen, answer. */
const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.BENCH_PORT), '127.0.0.1')`;
/** The caller's HOURGLASS_* settings must not leak into a benchmark of the defaults. */
function cleanEnv(extra) {
    const env = {};
    for (const [key, value] of Object.entries(process.env))
        if (!key.startsWith('HOURGLASS_'))
            env[key] = value;
    return { ...env, ...extra };
}
async function hourglassServe(dataDir) {
    const port = await freePort();
    const env = cleanEnv({
        HOURGLASS_DATA_DIR: dataDir,
        HOURGLASS_PORT: String(port),
        HOURGLASS_HOST: '127.0.0.1',
    });
    return spawnUntilReady([BIN, 'serve'], env, port, '/readyz');
}
async function bareServer() {
    const port = await freePort();
    return spawnUntilReady(['-e', BARE_SERVER], cleanEnv({ BENCH_PORT: String(port) }), port, '/');
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const footprint = {
    name: 'footprint',
    title: 'Footprint: cold start of `hourglass serve` on a fresh data dir, and resident memory',
    async run(options, progress) {
        if (!existsSync(path.join(REPO_ROOT, 'dist', 'main', 'cli.js'))) {
            throw new Error('dist/ is missing: `npm run bench` builds it; run `npm run build` first');
        }
        const starts = [];
        const bareStarts = [];
        let bareIdle = Number.NaN;
        const dirs = [];
        let server = null;
        try {
            for (let r = 0; r < options.rounds; r++) {
                const dir = await mkdtemp(path.join(tmpdir(), 'hourglass-bench-serve-'));
                dirs.push(dir);
                server = await hourglassServe(dir);
                starts.push(server.readyAfterMs);
                if (r < options.rounds - 1) {
                    await server.stop();
                    server = null;
                }
                const bare = await bareServer();
                bareStarts.push(bare.readyAfterMs);
                if (r === options.rounds - 1) {
                    await sleep(SETTLE_MS);
                    bareIdle = residentMemory(bare.pid).rssMiB;
                }
                await bare.stop();
            }
            if (server === null)
                throw new Error('no server left running');
            progress('footprint: cold starts done; idle and loaded memory');
            await sleep(SETTLE_MS);
            const idle = residentMemory(server.pid);
            const tokens = tokensFrom(server.stdout());
            const driver = new LoadDriver({
                url: server.url,
                tokens: REQUESTERS.map((id) => tokens[id] ?? ''),
                body: REQUEST_BODY,
            });
            const loadMs = Math.max(10_000, options.seconds * 2_000);
            let requests = 0;
            try {
                const res = await driver.closed(CONCURRENCY, loadMs, false);
                requests = res.completed;
                if (res.failed > 0)
                    throw new Error(`load against the spawned server failed: ${res.firstFailure ?? '?'}`);
            }
            finally {
                await driver.stop();
            }
            await sleep(SETTLE_MS);
            const loaded = residentMemory(server.pid);
            const rows = [
                {
                    metric: 'cold start to /readyz 200 (fresh data dir, includes init)',
                    unit: 'ms',
                    ours: median(starts),
                    floor: median(bareStarts),
                    targets: [],
                },
                {
                    metric: 'resident memory, idle',
                    unit: 'MiB',
                    ours: idle.rssMiB,
                    floor: bareIdle,
                    targets: [],
                },
                {
                    metric: `resident memory after ${requests.toLocaleString('en-US')} requests (${loadMs / 1000} s, ${CONCURRENCY} clients)`,
                    unit: 'MiB',
                    ours: loaded.rssMiB,
                    floor: bareIdle,
                    targets: [],
                },
            ];
            const notes = [
                `Spawned \`node bin/hourglass.js serve\` (SQLite, defaults, info logs drained from a pipe); ${options.rounds} cold starts, median. ` +
                    'Cold start includes first-run init: keys, migrations, sample identities and tokens, catalog sync, the first engine sweep.',
                `Peak resident memory (VmHWM) after the load: ${loaded.peakMiB.toFixed(0)} MiB. Floor: a bare node:http server (start to first answer; its idle RSS).`,
                'No target is set for footprint; the figures are for tracking.',
            ];
            return {
                name: this.name,
                title: this.title,
                params: { rounds: options.rounds, loadMs },
                rows,
                notes,
            };
        }
        finally {
            await server?.stop();
            for (const dir of dirs)
                await rm(dir, { recursive: true, force: true });
        }
    },
};
