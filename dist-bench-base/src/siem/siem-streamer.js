import { ackSiemCursor, claimSiemCursor, failSiemCursor, newSiemCursor, releaseSiemCursor, siemBlock, } from '../domain/siem-cursor.js';
import { hostOf } from '../notifications/http-post.js';
import { networkReason } from '../notifications/sender.js';
import { signWebhook } from '../security/webhook-signature.js';
import { encodeSiemBatch, SIEM_CONTENT_TYPE, siemDeliveryId } from './siem-batch.js';
/** Batches per sink per run: bounds a run when the log grows faster than it drains. */
const MAX_ROUNDS = 50;
/**
 * Streams the audit log to each configured sink in sequence order, signed like the
 * notification webhooks. Every sink runs on its own chain, so a sink that is down (and slow to
 * time out) never delays another. The cursor moves only after a 2xx, and a lease on the cursor
 * row keeps one process per sink; a crash between a 2xx and the cursor write resends that batch
 * (at-least-once: receivers de-duplicate by seq).
 *
 * @example
 * const streamer = new SiemStreamer({ audit: store.audit, cursors: store.siemCursors, requests: store.requests, sinks, clock, random: Math.random, log, owner: workerId, retry, timeoutMs: 10_000, product })
 * streamer.nudge() // after a commit that appended audit events
 */
export class SiemStreamer {
    #o;
    #tails = new Map();
    #nudged = new Set();
    #facts = new Map();
    #retryTimer = null;
    #stopped = false;
    constructor(options) {
        this.#o = options;
    }
    get sinks() {
        return this.#o.sinks;
    }
    /** Streams every sink until it is caught up, failing or leased elsewhere. */
    async runOnce() {
        const runs = await Promise.all(this.#o.sinks.map(async (sink) => [sink.name, await this.#chain(sink)]));
        return Object.fromEntries(runs);
    }
    /** Asks for a run soon; nudges while a sink's run is queued coalesce. */
    nudge() {
        if (this.#stopped)
            return;
        for (const sink of this.#o.sinks) {
            if (this.#nudged.has(sink.name))
                continue;
            this.#nudged.add(sink.name);
            this.#chain(sink, () => this.#nudged.delete(sink.name)).catch((error) => {
                this.#o.log.error({ err: error, component: 'siem', sink: sink.name }, 'SIEM streaming run failed');
            });
        }
    }
    async stop() {
        this.#stopped = true;
        if (this.#retryTimer)
            clearTimeout(this.#retryTimer);
        await Promise.all([...this.#tails.values()]);
    }
    async status() {
        const head = (await this.#o.audit.head()).seq;
        const stored = new Map((await this.#o.cursors.list()).map((c) => [c.sink, c]));
        return this.#o.sinks.map((sink) => {
            const c = stored.get(sink.name) ?? newSiemCursor(sink.name);
            const lag = Math.max(0, head - c.ackedSeq);
            this.#o.onLag?.(sink.name, lag);
            return {
                name: sink.name,
                url: `${new URL(sink.url).origin}/…`,
                format: sink.format,
                ackedSeq: c.ackedSeq,
                headSeq: head,
                lagEvents: lag,
                failures: c.failures,
                lastError: c.lastError,
                lastErrorAt: c.lastErrorAt,
                lastSuccessAt: c.lastSuccessAt,
                nextAttemptAt: c.nextAttemptAt,
                leaseOwner: c.leaseOwner,
            };
        });
    }
    #chain(sink, before) {
        const run = (this.#tails.get(sink.name) ?? Promise.resolve()).then(() => {
            before?.();
            return this.#drain(sink);
        });
        this.#tails.set(sink.name, run.catch(() => undefined));
        return run;
    }
    async #drain(sink) {
        const { cursors, clock, owner } = this.#o;
        const result = { delivered: 0, failed: 0, blocked: null };
        let cursor = await cursors.ensure(newSiemCursor(sink.name));
        const blocked = siemBlock(cursor, owner, clock.now());
        if (blocked !== null) {
            result.blocked = blocked;
            if (blocked === 'backoff' && cursor.nextAttemptAt)
                this.#armRetry(cursor.nextAttemptAt);
            return result;
        }
        const claimed = claimSiemCursor(cursor, owner, this.#leaseUntil());
        if (!(await cursors.update(claimed, cursor.version)))
            return { ...result, blocked: 'leased' };
        cursor = { ...claimed, version: cursor.version + 1 };
        for (let round = 0; round < MAX_ROUNDS; round++) {
            const events = await this.#o.audit.list({ afterSeq: cursor.ackedSeq, limit: sink.batchSize });
            if (events.length === 0)
                break;
            const next = await this.#deliver(sink, cursor, events);
            if (next === null)
                return result;
            if (next.failures > 0) {
                result.failed++;
                return result;
            }
            cursor = next;
            result.delivered += events.length;
            if (events.length < sink.batchSize)
                break;
        }
        // Let go at once, so another process need not wait for the lease to lapse.
        await cursors.update(releaseSiemCursor(cursor), cursor.version);
        return result;
    }
    /** The cursor after the attempt (with `failures > 0` when it failed), or null if the lease was lost. */
    async #deliver(sink, cursor, events) {
        const { clock, log } = this.#o;
        const first = events[0]?.seq ?? 0;
        const last = events[events.length - 1]?.seq ?? 0;
        const about = { component: 'siem', sink: sink.name, firstSeq: first, lastSeq: last };
        const facts = sink.format === 'ocsf' ? await this.#factsFor(events) : this.#facts;
        const body = encodeSiemBatch(events, sink.format, this.#o.product, (e) => e.requestId === null ? null : (facts.get(e.requestId) ?? null));
        const failure = await this.#post(sink, siemDeliveryId(sink.name, first, last), body);
        const now = clock.now();
        const next = failure === null
            ? ackSiemCursor(cursor, last, now, this.#leaseUntil())
            : failSiemCursor(cursor, failure.error, now, this.#o.retry, this.#o.random());
        if (!(await this.#o.cursors.update(next, cursor.version))) {
            // Our lease lapsed and another process took the sink: it resends from the stored cursor.
            log.warn(about, 'SIEM sink lease lost during delivery; the batch may be sent twice');
            return null;
        }
        this.#o.onDelivery?.(sink.name, failure === null ? 'delivered' : 'failed');
        if (failure === null) {
            log.debug({ ...about, events: events.length }, 'SIEM batch acknowledged');
            return { ...next, version: cursor.version + 1 };
        }
        const details = { ...about, error: next.lastError, failures: next.failures, nextAttemptAt: next.nextAttemptAt };
        // A 4xx (other than 408/429) will not heal by itself: a human must fix the sink or its secret.
        if (failure.operatorProblem)
            log.error(details, 'SIEM sink refused the batch; it will be retried until fixed');
        else
            log.warn(details, 'SIEM delivery failed; will retry');
        if (next.nextAttemptAt)
            this.#armRetry(next.nextAttemptAt);
        return { ...next, version: cursor.version + 1 };
    }
    async #post(sink, id, body) {
        const send = this.#o.send ?? ((url, init) => fetch(url, init));
        const headers = signWebhook(sink.secret, id, this.#o.clock.now(), body);
        const signal = AbortSignal.timeout(this.#o.timeoutMs);
        const label = `SIEM sink ${hostOf(sink.url)}`;
        let response;
        try {
            response = await send(sink.url, {
                method: 'POST',
                headers: { 'content-type': SIEM_CONTENT_TYPE, 'user-agent': 'hourglass-siem/1', ...headers },
                body,
                redirect: 'manual',
                signal,
            });
        }
        catch (error) {
            return { error: `${label} ${networkReason(error, signal)}`, operatorProblem: false };
        }
        await response.body?.cancel().catch(() => undefined);
        if (response.status >= 200 && response.status <= 299)
            return null;
        const s = response.status;
        return {
            error: `${label} answered HTTP ${s}`,
            operatorProblem: s >= 400 && s <= 499 && s !== 408 && s !== 429,
        };
    }
    /** Subject and entitlement of each event's request, for OCSF; cached, bounded. */
    async #factsFor(events) {
        for (const e of events) {
            if (e.requestId === null || this.#facts.has(e.requestId))
                continue;
            if (this.#facts.size >= 10_000)
                this.#facts.delete(this.#facts.keys().next().value);
            const request = await this.#o.requests.get(e.requestId);
            this.#facts.set(e.requestId, request ? { subjectId: request.subjectId, entitlementId: request.entitlementId } : null);
        }
        return this.#facts;
    }
    #leaseUntil() {
        return new Date(this.#o.clock.now().getTime() + 3 * this.#o.timeoutMs);
    }
    /** Wakes the streamer for a retry without waiting for the next sweep or audit append. */
    #armRetry(at) {
        if (this.#stopped)
            return;
        const delay = Math.max(0, at.getTime() - this.#o.clock.now().getTime());
        if (this.#retryTimer)
            clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => {
            this.#retryTimer = null;
            this.nudge();
        }, delay + 10);
        this.#retryTimer.unref();
    }
}
