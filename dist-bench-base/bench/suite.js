import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { policyDecision } from './policy-decision.js';
import { requestToGrant } from './request-to-grant.js';
import { revocationLag } from './revocation-lag.js';
import { revocationTwoNode } from './revocation-two-node.js';
import { audit } from './audit.js';
import { footprint } from './footprint.js';
import { reconcileDiff } from './reconcile-diff.js';
import { describeMachine, machineInfo } from './support/machine.js';
import { REPO_ROOT } from './support/paths.js';
import { appendResult, renderTable, rowMet } from './support/report.js';
const BENCHMARKS = [
    policyDecision,
    requestToGrant,
    revocationLag,
    revocationTwoNode,
    audit,
    footprint,
    reconcileDiff,
];
const USAGE = `usage: npm run bench -- [name ...] [options]

benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')} (default: all, in this order)

options:
  --quick                  smaller sizes and fewer rounds (a smoke run; not figures to publish)
  --grants <n>             grants expiring in the revocation windows (default 100000; quick 10000)
  --revocation-runs <n>    revocation windows per revocation benchmark, each freshly seeded (default 1)
  --events <n>             events in the exported audit chain (default 200000; quick 20000)
  --keys <n>               entries per side of the reconciliation diff (default 1000000; quick 100000)
  --seconds <n>            length of one load round (default 5; quick 2)
  --rounds <n>             repeated runs per figure; figures are medians over them (default 5; quick 3)
  --pg-url <url>           PostgreSQL server to create a throwaway database on
                           (env HOURGLASS_BENCH_PG_URL; default: a throwaway cluster started from
                           the installed server binaries, found with pg_config --bindir)
  --out <file>             results file, one JSON line per benchmark (default dist-bench/results.jsonl)
`;
function parseOptions(argv) {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            quick: { type: 'boolean', default: false },
            grants: { type: 'string' },
            'revocation-runs': { type: 'string' },
            events: { type: 'string' },
            keys: { type: 'string' },
            seconds: { type: 'string' },
            rounds: { type: 'string' },
            'pg-url': { type: 'string' },
            out: { type: 'string' },
            help: { type: 'boolean', default: false },
            // Internal: run the one named benchmark here and hand the result to the parent over IPC.
            'in-process': { type: 'boolean', default: false },
        },
    });
    if (values.help) {
        process.stdout.write(USAGE);
        process.exit(0);
    }
    const quick = values.quick;
    const int = (name, raw, fallback) => {
        if (raw === undefined)
            return fallback;
        const n = Number(raw.replace(/_/g, ''));
        if (!Number.isSafeInteger(n) || n <= 0)
            throw new Error(`--${name} must be a positive whole number`);
        return n;
    };
    const unknown = positionals.filter((p) => !BENCHMARKS.some((b) => b.name === p));
    if (unknown.length > 0)
        throw new Error(`unknown benchmark ${unknown.join(', ')}\n\n${USAGE}`);
    return {
        names: positionals,
        inProcess: values['in-process'],
        out: path.resolve(values.out ?? path.join(REPO_ROOT, 'dist-bench', 'results.jsonl')),
        options: {
            quick,
            grants: int('grants', values.grants, quick ? 10_000 : 100_000),
            revocationRuns: int('revocation-runs', values['revocation-runs'], 1),
            events: int('events', values.events, quick ? 20_000 : 200_000),
            keys: int('keys', values.keys, quick ? 100_000 : 1_000_000),
            seconds: int('seconds', values.seconds, quick ? 2 : 5),
            rounds: int('rounds', values.rounds, quick ? 3 : 5),
            pgUrl: values['pg-url'] ?? process.env.HOURGLASS_BENCH_PG_URL,
        },
    };
}
const ENTRY = fileURLToPath(new URL('./run.js', import.meta.url));
/**
 * Each benchmark runs in a fresh process: none inherits another's heap, JIT state or Cedar
 * cache, and one that crashes (V8 has aborted mid-suite on this machine) does not take the
 * others with it.
 */
function inOwnProcess(bench, argv) {
    const args = [
        ...argv.filter((a) => !BENCHMARKS.some((b) => b.name === a)),
        bench.name,
        '--in-process',
    ];
    const child = fork(ENTRY, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // Stopped from outside, the benchmark gets the signal to clean up after itself (its
    // throwaway PostgreSQL clusters); the suite then exits as its child did.
    const forward = (signal) => {
        child.kill(signal);
    };
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    return new Promise((resolve, reject) => {
        let result = null;
        child.on('message', (message) => {
            result = message;
        });
        child.on('exit', (code, signal) => {
            process.off('SIGTERM', forward);
            process.off('SIGINT', forward);
            if (code === 143 || code === 130)
                process.exit(code);
            if (result !== null)
                resolve(result);
            else
                reject(new Error(`benchmark ${bench.name} ended without a result (${signal ?? `exit ${String(code)}`})`));
        });
    });
}
async function runHere(bench, options) {
    const result = await bench.run(options, (message) => {
        process.stderr.write(`  … ${message}\n`);
    });
    process.send?.(result);
}
export async function runSuite(argv) {
    const { names, options, out, inProcess } = parseOptions(argv);
    const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
    if (inProcess) {
        for (const bench of selected)
            await runHere(bench, options);
        return;
    }
    const machine = machineInfo();
    const started = Date.now();
    process.stdout.write(`hourglass benchmarks — ${new Date().toISOString()}\n${describeMachine(machine)}\n`);
    process.stdout.write(`options: ${JSON.stringify(options, (k, v) => (k === 'pgUrl' && v ? '(given)' : v))}\n`);
    let missed = 0;
    const failed = [];
    for (const bench of selected) {
        process.stdout.write(`\n== ${bench.name}: ${bench.title}\n`);
        const t = Date.now();
        let result;
        try {
            result = await inOwnProcess(bench, argv);
        }
        catch (error) {
            failed.push(bench.name);
            process.stdout.write(`  FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
            continue;
        }
        process.stdout.write(`${renderTable(result)}\n`);
        for (const note of result.notes)
            process.stdout.write(`  - ${note}\n`);
        process.stdout.write(`  (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
        missed += result.rows.filter((r) => rowMet(r) === false).length;
        appendResult(out, machine, result);
    }
    process.stdout.write(`\n${selected.length} benchmark(s) in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
        `${missed} target(s) missed; ${failed.length === 0 ? 'none failed' : `FAILED: ${failed.join(', ')}`}; ` +
        `results appended to ${path.relative(process.cwd(), out) || out}\n`);
    if (failed.length > 0)
        process.exitCode = 1;
}
