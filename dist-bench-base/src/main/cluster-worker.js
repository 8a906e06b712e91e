import { nodeWideMetricNames, processOnly } from './cluster-metrics.js';
import { isTagged } from './cluster-protocol.js';
import { HeldUntilReady } from './held-until-ready.js';
import { startServer } from './server.js';
/** How long a scrape or a checkpoint waits for the primary. */
const ASK_TIMEOUT_MS = 10_000;
/**
 * One HTTP worker of `serve --workers N`: the API on the listening socket the primary shares, and
 * an engine that only issues what this worker's submissions claimed. Everything else a node
 * does once (sweeps, expiry timers, revocations, checkpoints, governance, reconciliation) is the
 * primary's. Per-process state here is either shared through the database or harmless per
 * process: the SQLite row cache checks `PRAGMA data_version` before each use, the connector host
 * rebuilds an instance when its target row changes, replay nonces (ticket deliveries, exchanged
 * workload tokens), break-glass use counts and claims are rows, the notification outbox and the
 * SIEM cursors are claimed and leased per row (any process may send), Prometheus metrics are
 * gathered from every process per scrape, and the issuance handoff holds only grants this
 * process claimed (a killed worker's claims lapse and the primary's sweep issues them). Audit
 * checkpoints are signed in the primary only, evidence bundles included: a checkpointer caches
 * the last checkpoint, and two signing processes would each trust a stale one.
 */
export async function runClusterWorker(config, log) {
    const send = (message) => {
        // The primary gone means the node is going down; the work is in the database anyway.
        if (process.connected)
            process.send?.(message);
    };
    const waiting = new Map();
    let nextId = 0;
    /** One question to the primary, answered by a message carrying the same id. */
    const ask = (question, what) => new Promise((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
            waiting.delete(id);
            reject(new Error(`the node's primary did not answer in time (${what})`));
        }, ASK_TIMEOUT_MS);
        waiting.set(id, {
            resolve: (answer) => {
                clearTimeout(timer);
                resolve(answer);
            },
            reject: (error) => {
                clearTimeout(timer);
                reject(error);
            },
        });
        send(question(id));
    });
    const answer = (id, settle) => {
        const w = waiting.get(id);
        waiting.delete(id);
        if (w)
            settle(w);
    };
    const hooks = {
        relay: {
            grantActivated: (g) => {
                send({ hg: 'activated', grantId: g.id, expiresAt: g.expiresAt.getTime() });
            },
            revocationRequested: (grantId) => {
                send({ hg: 'revoke', grantId });
            },
        },
        metricsText: () => ask((id) => ({ hg: 'scrape', id }), 'metrics'),
        checkpointNow: () => ask((id) => ({ hg: 'checkpoint', id }), 'checkpoint'),
    };
    // A reload announced while this worker starts must still reach it (see HeldUntilReady).
    const inbox = new HeldUntilReady();
    process.on('message', (message) => {
        if (isTagged(message))
            inbox.deliver(message);
    });
    const onPrimaryMessage = (message, rt) => {
        switch (message.hg) {
            case 'policy-reload':
                rt.deps.policy.reload().catch((error) => {
                    log.error({ err: error }, 'policy reload refused in this worker; its previous bundle stays in force');
                });
                break;
            case 'collect':
                rt.metrics.registry.getMetricsAsJSON().then((json) => {
                    send({ hg: 'collected', id: message.id, json: processOnly(json, nodeWideMetricNames(rt.metrics)) });
                }, (error) => {
                    // The primary leaves this worker out of the scrape when no answer comes.
                    log.error({ err: error }, 'metrics collection failed in this worker');
                });
                break;
            case 'scraped':
                answer(message.id, (w) => {
                    w.resolve({ contentType: message.contentType, body: message.body });
                });
                break;
            case 'checkpointed': {
                const c = message.checkpoint;
                answer(message.id, (w) => {
                    w.resolve(c === null ? null : { ...c, at: new Date(c.at) });
                });
                break;
            }
            case 'scrape-failed':
            case 'checkpoint-failed':
                answer(message.id, (w) => {
                    w.reject(new Error(message.message));
                });
                break;
        }
    };
    // The primary reloads on SIGHUP and tells the workers; a group-wide SIGHUP must not also make
    // each worker audit and recheck on its own (nor end it: SIGHUP's default action).
    process.on('SIGHUP', () => undefined);
    let server;
    try {
        server = await startServer(config, log, {
            clusterWorker: hooks,
            onPolicyReloaded: () => {
                send({ hg: 'policy-changed' });
            },
        });
    }
    catch (error) {
        log.error({ err: error }, 'worker failed to start');
        process.exit(1);
    }
    const runtime = server.runtime;
    inbox.ready((message) => {
        onPrimaryMessage(message, runtime);
    });
    let stopping = false;
    // SIGINT from a terminal reaches the whole process group, and the primary then sends SIGTERM too.
    const stop = () => {
        if (stopping)
            return;
        stopping = true;
        void server.stop().then(() => process.exit(0), (error) => {
            log.error({ err: error }, 'worker stop failed');
            process.exit(1);
        });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
}
