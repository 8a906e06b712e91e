import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
/*
 * Two builds of the request path side by side in one process: each build's world (runtime, store,
 * Cedar) is served in process, and short rounds of one-request-at-a-time alternate between them,
 * so both see the same machine. On a shared machine the wall time of a whole run swings by a
 * third between back-to-back runs of one build; paired rounds a few hundred ms apart do not.
 *   node dist-bench/bench/request-ab.js BUILD_A BUILD_B [--pairs 40] [--samples 50]
 * BUILD_* are build roots (`dist-bench`, or a copy of an earlier build under it). SQLite only (two
 * worlds would seed one PostgreSQL database twice). Not for a change to process-wide state (async
 * hooks, V8 flags): both builds share the process, so compare those in separate runs.
 */
const buildRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
copyFileSync(path.join(buildRoot, '..', 'package.json'), path.join(buildRoot, 'package.json'));
function option(name) {
    const at = process.argv.indexOf(`--${name}`);
    return at === -1 ? undefined : process.argv[at + 1];
}
const [rootA, rootB] = process.argv.slice(2, 4);
if (rootA === undefined || rootB === undefined)
    throw new Error('usage: request-ab BUILD_A BUILD_B');
const pairs = Number(option('pairs') ?? 40);
const samples = Number(option('samples') ?? 50);
async function load(root) {
    const file = path.resolve(root, 'bench/support/served-world.js');
    return (await import(pathToFileURL(file).href));
}
const a = await (await load(rootA)).servedWorld(undefined);
const b = await (await load(rootB)).servedWorld(undefined);
try {
    await a.oneAtATime(150);
    await b.oneAtATime(150);
    const ratios = [];
    const cpuRatios = [];
    const totals = { a: 0, b: 0, aCpu: 0, bCpu: 0 };
    const round = async (world) => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await world.oneAtATime(samples);
        const c = process.cpuUsage(c0);
        return { wall: (performance.now() - t0) / samples, cpu: (c.user + c.system) / 1000 / samples };
    };
    for (let i = 0; i < pairs; i++) {
        // Alternate which goes first, so neither always follows the other's garbage.
        let ra;
        let rb;
        if (i % 2 === 0) {
            ra = await round(a);
            rb = await round(b);
        }
        else {
            rb = await round(b);
            ra = await round(a);
        }
        ratios.push(rb.wall / ra.wall);
        cpuRatios.push(rb.cpu / ra.cpu);
        totals.a += ra.wall;
        totals.b += rb.wall;
        totals.aCpu += ra.cpu;
        totals.bCpu += rb.cpu;
    }
    const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;
    process.stdout.write(`A ${rootA}: wall ${(totals.a / pairs).toFixed(3)} ms, CPU ${(totals.aCpu / pairs).toFixed(3)} ms per request\n` +
        `B ${rootB}: wall ${(totals.b / pairs).toFixed(3)} ms, CPU ${(totals.bCpu / pairs).toFixed(3)} ms per request\n` +
        `B ÷ A, median of ${pairs} paired rounds: wall ${median(ratios).toFixed(3)}, CPU ${median(cpuRatios).toFixed(3)}\n`);
}
finally {
    await a.close();
    await b.close();
}
