import { BEAT_MS } from './revocation-protocol.js';
import { NODE_ENV } from './two-node-protocol.js';
import { nowMs } from './stats.js';
import { startBenchWorld } from './world.js';
/*
 * One node of the two-node revocation benchmark, in a process of its own so that it can be killed
 * like a crashed server: the real runtime over the shared PostgreSQL database (its own pool, its
 * own workerId), the engine with the default settings, the system clock. It reports `ready`,
 * starts the engine when told, then beats until it is killed.
 */
function send(message) {
    process.send?.(message);
}
function required(name) {
    const value = process.env[name];
    if (value === undefined || value === '')
        throw new Error(`${name} is not set`);
    return value;
}
async function main() {
    const world = await startBenchWorld({
        databaseUrl: required(NODE_ENV.databaseUrl),
        empty: true,
        keys: {
            dataKey: required(NODE_ENV.dataKey),
            auditSigningKeyFile: required(NODE_ENV.auditSigningKeyFile),
        },
    });
    const { settings } = world.runtime.deps;
    // The only command is 'start'.
    process.once('message', (_command) => {
        const startAt = nowMs();
        world.runtime.engine.start().then(() => {
            send({ type: 'started', engineStartMs: nowMs() - startAt });
        }, (error) => {
            fail(error);
        });
    });
    setInterval(() => {
        send({ type: 'beat' });
    }, BEAT_MS);
    send({
        type: 'ready',
        workerId: settings.workerId,
        leaseMs: settings.leaseMs,
        sweepIntervalMs: world.runtime.config.lifecycle.sweepIntervalMs,
    });
}
function fail(error) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
}
main().catch(fail);
