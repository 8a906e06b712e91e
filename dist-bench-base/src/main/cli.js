import cluster from 'node:cluster';
import { statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { registerAdminCommands } from '../cli/commands/admin-commands.js';
import { registerAuditCommands } from '../cli/commands/audit-commands.js';
import { registerExchangeCommands } from '../cli/commands/exchange-commands.js';
import { registerEvidenceCommands } from '../cli/commands/evidence-commands.js';
import { registerGrantCommands } from '../cli/commands/grant-commands.js';
import { registerGovernanceCommands } from '../cli/commands/governance-commands.js';
import { registerReconcileCommands } from '../cli/commands/reconcile-commands.js';
import { registerRequestCommands } from '../cli/commands/request-commands.js';
import { registerReportCommands } from '../cli/commands/report-commands.js';
import { DEFAULT_SERVER } from '../cli/context.js';
import { reportError } from '../cli/output.js';
import { loadConfig, PACKAGE_ROOT } from '../config/load.js';
import { AppError } from '../domain/errors.js';
import { createRootLogger } from '../observability/logger.js';
import { createCedarPolicyEngine } from '../policy/cedar/index.js';
import { loadPolicyTestDir, loadPolicyTestFile } from '../policy/cedar/policy-test-cases.js';
import { formatPolicyTestResults, runPolicyTests } from '../policy/cedar/policy-test-runner.js';
import { reloadPolicy } from '../app/reload-policy.js';
import { initDataDir, isInitialized } from './init.js';
import { startServer } from './server.js';
import { startClusterNode } from './cluster-primary.js';
import { runClusterWorker } from './cluster-worker.js';
import { parseWorkersOption, workerCount } from './worker-count.js';
import { PACKAGE_VERSION } from './version.js';
/** EX_CONFIG from sysexits: the configuration is wrong; never start half-configured. */
const EXIT_CONFIG = 78;
function printTokens(tokens) {
    const ids = Object.keys(tokens);
    if (ids.length === 0)
        return;
    process.stdout.write('\nSample API tokens (shown once; keep them safe):\n');
    for (const id of ids)
        process.stdout.write(`  ${id.padEnd(12)} ${tokens[id] ?? ''}\n`);
    process.stdout.write(`\nTry: HOURGLASS_TOKEN=<alice's token> hourglass catalog\n\n`);
}
function buildProgram() {
    const program = new Command('hourglass')
        .description('Just-in-time access: requests decided by policy, reviewed, issued and revoked on real targets')
        .version(PACKAGE_VERSION)
        .option('--server <url>', `API base URL (env HOURGLASS_URL, default ${DEFAULT_SERVER})`)
        .option('--token <token>', 'API token or OIDC access token (env HOURGLASS_TOKEN)')
        .option('--config <file>', 'server config file (JSON) for local commands')
        .option('--json', 'machine-readable output')
        .showHelpAfterError();
    program
        .command('init')
        .description('create the data directory, keys, database and sample identities (prints their tokens once)')
        .action(async (_o, cmd) => {
        const { config: file } = cmd.optsWithGlobals();
        const log = createRootLogger({ level: 'warn' });
        const result = await initDataDir({ configFile: file }, log);
        if (cmd.optsWithGlobals().json) {
            process.stdout.write(JSON.stringify(result, null, 2) + '\n');
            return;
        }
        process.stdout.write(`${result.created ? 'initialised' : 'already initialised'}: ${result.dataDir}\n`);
        printTokens(result.tokens);
    });
    program
        .command('serve')
        .description('run the API server and the lifecycle engine (initialises the data directory on first run)')
        .option('--workers <n>', 'HTTP worker processes: a number, or auto for one per core (default: config server.workers, 1)')
        .action(async (o, cmd) => {
        const { config: file } = cmd.optsWithGlobals();
        if (cluster.isWorker) {
            const config = loadConfig({ file });
            await runClusterWorker(config, createRootLogger({ level: config.log.level }));
            return;
        }
        const warnLog = createRootLogger({ level: 'warn' });
        const probe = path.resolve(process.env.HOURGLASS_DATA_DIR ?? '.hourglass');
        if (!file && !isInitialized(probe)) {
            const result = await initDataDir({}, warnLog);
            process.stdout.write(`initialised ${result.dataDir}\n`);
            printTokens(result.tokens);
        }
        const config = loadConfig({ file, ...(o.workers ? { overrides: { server: { workers: parseWorkersOption(o.workers) } } } : {}) });
        const log = createRootLogger({ level: config.log.level });
        const workers = workerCount(config.server.workers);
        if (workers > 1) {
            const node = await startClusterNode(config, log, workers);
            process.stdout.write(`hourglass listening on ${await node.listening} (${workers} workers)\n`);
            return;
        }
        const server = await startServer(config, log);
        process.stdout.write(`hourglass listening on ${server.url}\n`);
        const shutdown = () => {
            void server.stop().then(() => process.exit(0));
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
        // SIGHUP re-reads the policy directory; an invalid bundle is refused and the old one stays.
        process.on('SIGHUP', () => {
            reloadPolicy(server.runtime.deps, 'system:sighup').catch((error) => {
                log.error({ err: error }, 'policy reload refused; the previous bundle stays in force');
            });
        });
    });
    program
        .command('config')
        .description('inspect the server configuration')
        .command('check')
        .description('print the effective configuration with secrets redacted (exit 78 if invalid)')
        .action((_o, cmd) => {
        const { config: file } = cmd.optsWithGlobals();
        process.stdout.write(JSON.stringify(loadConfig({ file }), null, 2) + '\n');
    });
    const policy = program.command('policy').description('validate and test Cedar policies locally');
    policy
        .command('validate [dir]')
        .description('strictly validate a policy directory against its schema')
        .action(async (dir, _o, cmd) => {
        const engine = await createCedarPolicyEngine({ policyDir: dir ?? path.join(PACKAGE_ROOT, 'policies') });
        const { json } = cmd.optsWithGlobals();
        const hash = engine.policyHash();
        process.stdout.write(json ? JSON.stringify({ valid: true, policyHash: hash }) + '\n' : `policies valid: ${hash}\n`);
        await engine.close();
    });
    policy
        .command('test [cases]')
        .description('run policy test cases (a JSON file or a directory of them)')
        .option('-d, --dir <dir>', 'policy directory', path.join(PACKAGE_ROOT, 'policies'))
        .action(async (cases, o, cmd) => {
        const engine = await createCedarPolicyEngine({ policyDir: o.dir });
        const target = cases ?? path.join(o.dir, 'tests');
        const loaded = statSync(target).isDirectory() ? await loadPolicyTestDir(target) : await loadPolicyTestFile(target);
        const results = await runPolicyTests(engine, loaded);
        await engine.close();
        const { json } = cmd.optsWithGlobals();
        process.stdout.write(json ? JSON.stringify(results.map((r) => ({ name: r.name, passed: r.passed, failures: r.failures }))) + '\n' : formatPolicyTestResults(results) + '\n');
        const failed = results.filter((r) => !r.passed).length;
        if (failed > 0)
            throw new AppError('policy.invalid', `${failed} policy test(s) failed`);
    });
    registerRequestCommands(program);
    registerGrantCommands(program);
    registerExchangeCommands(program);
    registerAuditCommands(program);
    registerAdminCommands(program);
    registerReconcileCommands(program);
    registerGovernanceCommands(program);
    registerEvidenceCommands(program);
    registerReportCommands(program);
    return program;
}
export async function main(argv) {
    const program = buildProgram();
    try {
        await program.parseAsync([...argv]);
    }
    catch (error) {
        const json = argv.includes('--json');
        const code = error instanceof AppError && error.code === 'config.invalid' ? EXIT_CONFIG : reportError(error, json);
        if (error instanceof AppError && error.code === 'config.invalid')
            reportError(error, json);
        process.exitCode = code;
    }
}
