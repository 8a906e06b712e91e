import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { nowMs } from './stats.js';
/*
 * The clients run on their own thread (and so, on this machine, mostly their own core): in the
 * server's event loop they would take its CPU and lower the figure they measure.
 */
const data = workerData;
const port = parentPort;
if (port === null)
    throw new Error('load-worker must run as a worker thread');
const target = new URL('/v1/requests', data.url);
const ACTIVATION_TIMEOUT_MS = 30_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
/** Activations can arrive before the POST's answer does; whichever comes second completes. */
const activeAt = new Map();
const waiting = new Map();
let next = 0;
function submit() {
    const token = data.tokens[next++ % data.tokens.length] ?? '';
    return new Promise((resolve, reject) => {
        const req = http.request(target, {
            method: 'POST',
            agent,
            headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(data.body),
            },
        }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                if (res.statusCode !== 201) {
                    reject(new Error(`HTTP ${res.statusCode ?? 0}: ${text.slice(0, 300)}`));
                    return;
                }
                const body = JSON.parse(text);
                if (body.grant === null)
                    reject(new Error('the request was not auto-approved'));
                else
                    resolve(body.grant.id);
            });
            res.on('error', reject);
        });
        req.on('error', reject);
        req.end(data.body);
    });
}
function activation(grantId) {
    const at = activeAt.get(grantId);
    if (at !== undefined) {
        activeAt.delete(grantId);
        return Promise.resolve(at);
    }
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            waiting.delete(grantId);
            reject(new Error(`grant ${grantId} was not active within ${ACTIVATION_TIMEOUT_MS} ms`));
        }, ACTIVATION_TIMEOUT_MS);
        waiting.set(grantId, (when) => {
            clearTimeout(timer);
            resolve(when);
        });
    });
}
function onActive(grantId, at) {
    const resolve = waiting.get(grantId);
    if (resolve) {
        waiting.delete(grantId);
        resolve(at);
    }
    else {
        activeAt.set(grantId, at);
    }
}
class Round {
    end;
    countLate;
    untilActive;
    completed = 0;
    failed = 0;
    firstFailure = null;
    latencies = [];
    start = nowMs();
    /** Closed loops count what completes in the window; open loops count every request they sent. */
    constructor(end, countLate, untilActive) {
        this.end = end;
        this.countLate = countLate;
        this.untilActive = untilActive;
    }
    async one(sentAt) {
        try {
            const grantId = await submit();
            const at = this.untilActive ? await activation(grantId) : nowMs();
            if (this.countLate || at <= this.end) {
                this.completed++;
                this.latencies.push(at - sentAt);
            }
        }
        catch (error) {
            this.failed++;
            this.firstFailure ??= error instanceof Error ? error.message : String(error);
        }
    }
    result() {
        const { completed, failed, firstFailure, latencies } = this;
        return {
            type: 'done',
            completed,
            failed,
            firstFailure,
            latencies,
            durationMs: this.end - this.start,
        };
    }
}
/** Each client sends its next request once its previous grant is active. */
async function closedLoop(concurrency, durationMs, untilActive) {
    const round = new Round(nowMs() + durationMs, false, untilActive);
    const client = async () => {
        while (nowMs() < round.end)
            await round.one(nowMs());
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    return round.result();
}
/**
 * Sends on a fixed schedule whatever the answers do; latency counts from the scheduled time, so a
 * stalled server cannot hide its queue (no coordinated omission).
 */
async function openLoop(rate, durationMs, untilActive) {
    const round = new Round(nowMs() + durationMs, true, untilActive);
    const interval = 1000 / rate;
    const inFlight = [];
    let sent = 0;
    while (nowMs() < round.end) {
        const due = round.start + sent * interval;
        const wait = due - nowMs();
        if (wait > 1)
            await new Promise((r) => setTimeout(r, Math.floor(wait)));
        inFlight.push(round.one(due));
        sent++;
    }
    await Promise.all(inFlight);
    return round.result();
}
port.on('message', (command) => {
    switch (command.type) {
        case 'active':
            onActive(command.grantId, command.at);
            break;
        case 'closed':
            void closedLoop(command.concurrency, command.durationMs, command.untilActive).then((r) => {
                port.postMessage(r);
            });
            break;
        case 'open':
            void openLoop(command.rate, command.durationMs, command.untilActive).then((r) => {
                port.postMessage(r);
            });
            break;
        case 'stop':
            agent.destroy();
            port.close();
            break;
    }
});
