import cluster, {} from 'node:cluster';
import { reloadPolicy } from '../app/reload-policy.js';
import { aggregateNode, processOnly, nodeWideMetricNames } from './cluster-metrics.js';
import { isTagged } from './cluster-protocol.js';
import { createRuntime } from './runtime.js';
import { CrashLoopGuard } from './crash-loop-guard.js';
/** How long one worker may take to hand its metrics to a scrape before it is left out of it. */
const COLLECT_TIMEOUT_MS = 2_000;
/** How long workers get to finish their requests on SIGTERM before they are killed. */
const DRAIN_TIMEOUT_MS = 30_000;
/**
 * The primary of `serve --workers N`. It migrates the database and runs the node's one lifecycle
 * engine (sweeps, expiry timers, revocations, checkpoints) before it forks N HTTP workers that
 * share the listening socket. The engine lives here rather than in a worker so that a worker
 * killed or re-forked never interrupts revocations, and so that its batches (synchronous work on
 * SQLite) never hold up a worker's HTTP requests; the workers only issue their own submissions.
 */
export async function startClusterNode(config, log, workers) {
    const runtime = await createRuntime(config, log, {
        onPolicyReloaded: () => {
            broadcast({ hg: 'policy-reload' });
        },
    });
    await runtime.engine.start();
    let stopping = false;
    const guard = new CrashLoopGuard();
    const listening = new Set();
    let announced = false;
    let announce = () => undefined;
    const listeningUrl = new Promise((resolve) => (announce = resolve));
    function broadcast(message) {
        for (const worker of Object.values(cluster.workers ?? {}))
            if (worker?.isConnected())
                worker.send(message);
    }
    cluster.on('listening', (worker, address) => {
        listening.add(worker.id);
        if (!announced && listening.size >= workers) {
            announced = true;
            announce(config.publicUrl ?? `http://${config.listen.host}:${address.port}`);
        }
    });
    cluster.on('exit', (worker, code, signal) => {
        listening.delete(worker.id);
        if (stopping)
            return;
        const delay = guard.crashed(Date.now());
        if (delay === null) {
            log.error({ code, signal, crashes: guard.recent }, 'HTTP workers keep crashing; stopping the node');
            void stop(1);
            return;
        }
        log.error({ pid: worker.process.pid, code, signal, restartInMs: delay }, 'HTTP worker died; forking another');
        setTimeout(() => {
            if (!stopping)
                cluster.fork();
        }, delay).unref();
    });
    const collector = new Collector(runtime);
    cluster.on('message', (worker, raw) => {
        if (!isTagged(raw))
            return;
        const message = raw;
        switch (message.hg) {
            case 'activated':
                runtime.engine.signals.grantActivated({ id: message.grantId, expiresAt: new Date(message.expiresAt) });
                break;
            case 'revoke':
                runtime.engine.signals.revocationRequested(message.grantId);
                break;
            case 'policy-changed':
                // Reloads here too; when that changes this bundle, every worker is told (the others
                // find the new bundle, the one that announced it finds nothing new).
                runtime.deps.policy.reload().catch((error) => {
                    log.error({ err: error }, 'policy reload refused in the primary; its previous bundle stays in force');
                });
                break;
            case 'scrape':
                void collector.scrape().then((text) => {
                    if (worker.isConnected())
                        worker.send({ hg: 'scraped', id: message.id, ...text });
                }, (error) => {
                    const reason = error instanceof Error ? error.message : String(error);
                    if (worker.isConnected())
                        worker.send({ hg: 'scrape-failed', id: message.id, message: reason });
                });
                break;
            case 'checkpoint':
                signedHead(runtime).then((c) => {
                    const checkpoint = c === null ? null : { ...c, at: c.at.getTime() };
                    if (worker.isConnected())
                        worker.send({ hg: 'checkpointed', id: message.id, checkpoint });
                }, (error) => {
                    const reason = error instanceof Error ? error.message : String(error);
                    if (worker.isConnected())
                        worker.send({ hg: 'checkpoint-failed', id: message.id, message: reason });
                });
                break;
            case 'collected':
                collector.collected(worker, message.id, message.json);
                break;
        }
    });
    async function stop(exitCode) {
        if (stopping)
            return;
        stopping = true;
        const alive = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && !w.isDead());
        await Promise.all(alive.map((w) => drain(w)));
        await runtime.close().catch((error) => {
            log.error({ err: error }, 'engine stop failed');
            exitCode = exitCode || 1;
        });
        process.exit(exitCode);
    }
    process.once('SIGTERM', () => void stop(0));
    process.once('SIGINT', () => void stop(0));
    // SIGHUP re-reads the policy directory once, here: audited and rechecked once for the node;
    // the workers follow through the announcement. An invalid bundle is refused everywhere.
    process.on('SIGHUP', () => {
        reloadPolicy(runtime.deps, 'system:sighup').catch((error) => {
            log.error({ err: error }, 'policy reload refused; the previous bundle stays in force');
        });
    });
    for (let i = 0; i < workers; i++)
        cluster.fork();
    return { listening: listeningUrl };
}
/**
 * The chain head signed now, or, when another caller signed it a moment ago (bundles asked for
 * at once), that checkpoint: the worker's bundle needs one that covers its events, not a new one.
 */
async function signedHead(runtime) {
    const made = await runtime.checkpointer.maybeCheckpoint(true);
    if (made)
        return made;
    const all = await runtime.deps.store.audit.listCheckpoints();
    return all.at(-1) ?? null;
}
/** SIGTERM, then SIGKILL if the worker has not finished draining in time. */
function drain(worker) {
    return new Promise((resolve) => {
        const force = setTimeout(() => worker.process.kill('SIGKILL'), DRAIN_TIMEOUT_MS);
        worker.once('exit', () => {
            clearTimeout(force);
            resolve();
        });
        worker.process.kill('SIGTERM');
    });
}
/** Gathers every process's metrics for one scrape: the primary's whole, the workers' own. */
class Collector {
    #runtime;
    #nodeWide;
    #waiting = new Map();
    #next = 0;
    constructor(runtime) {
        this.#runtime = runtime;
        this.#nodeWide = nodeWideMetricNames(runtime.metrics);
    }
    async scrape() {
        // Refreshes the database-backed gauges in this registry (the rendered text is not needed).
        await this.#runtime.deps.metricsText();
        const own = await this.#runtime.metrics.registry.getMetricsAsJSON();
        const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected() === true);
        const theirs = await Promise.all(workers.map((w) => this.#collect(w)));
        return aggregateNode([own, ...theirs.filter((j) => j !== null)]);
    }
    collected(worker, id, json) {
        const key = `${worker.id}:${id}`;
        // Filtered again: a worker's copy of a node-wide gauge would be added to the primary's.
        this.#waiting.get(key)?.(processOnly(json, this.#nodeWide));
        this.#waiting.delete(key);
    }
    /** A worker that does not answer in time (busy, dying) is left out of this scrape only. */
    #collect(worker) {
        const id = ++this.#next;
        const key = `${worker.id}:${id}`;
        return new Promise((resolve) => {
            const timer = setTimeout(() => {
                this.#waiting.delete(key);
                resolve(null);
            }, COLLECT_TIMEOUT_MS);
            this.#waiting.set(key, (json) => {
                clearTimeout(timer);
                resolve(json);
            });
            worker.send({ hg: 'collect', id });
        });
    }
}
