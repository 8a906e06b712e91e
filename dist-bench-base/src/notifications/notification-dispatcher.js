import { claimMessage, deliveredMessage, failedMessage, } from '../domain/outbox.js';
import { DeliveryError } from './sender.js';
/** Rounds per run: bounds one run when messages keep falling due (slow sends, tiny backoff). */
const MAX_ROUNDS = 20;
/**
 * Sends what the outbox holds, after commit. Every message is claimed with compare-and-swap
 * before it is sent, so several dispatchers (processes) never send one message at once; a
 * dispatcher that dies mid-send leaves a claim that lapses and another retries it. Delivery is
 * therefore at-least-once: receivers de-duplicate by message id (the `webhook-id`, the email's
 * Message-ID).
 *
 * @example
 * const dispatcher = new NotificationDispatcher({ outbox: store.outbox, senders, clock, random: Math.random, log, retry, timeoutMs: 10_000 })
 * dispatcher.nudge() // after a commit that queued messages
 */
export class NotificationDispatcher {
    #o;
    #tail = Promise.resolve();
    #nudged = false;
    #stopped = false;
    constructor(options) {
        this.#o = options;
    }
    /** Delivers whatever is due now; runs in one process never overlap. */
    runOnce() {
        const run = this.#tail.then(() => this.#drain());
        this.#tail = run.catch(() => undefined);
        return run;
    }
    /** Asks for a run soon without waiting for it; nudges while one is queued coalesce. */
    nudge() {
        if (this.#stopped || this.#nudged)
            return;
        this.#nudged = true;
        const run = this.#tail.then(() => {
            this.#nudged = false;
            return this.#drain();
        });
        this.#tail = run.catch((error) => {
            this.#o.log.error({ err: error, component: 'notifications' }, 'notification delivery run failed');
        });
    }
    /** Ignores further nudges and waits for the run in progress. */
    async stop() {
        this.#stopped = true;
        await this.#tail;
    }
    async #drain() {
        const result = { delivered: 0, failed: 0, deadLettered: 0, skipped: 0 };
        const batchSize = this.#o.batchSize ?? 50;
        for (let round = 0; round < MAX_ROUNDS; round++) {
            const due = await this.#o.outbox.listDue(this.#o.clock.now(), batchSize);
            await forEachLimited(due, this.#o.concurrency ?? 4, (m) => this.#deliver(m, result));
            if (due.length < batchSize)
                break;
        }
        return result;
    }
    async #deliver(message, result) {
        const { outbox, clock, log } = this.#o;
        const leaseUntil = new Date(clock.now().getTime() + 3 * this.#o.timeoutMs);
        const claimed = { ...claimMessage(message, leaseUntil), version: message.version + 1 };
        if (!(await outbox.update(claimed, message.version))) {
            result.skipped++;
            return;
        }
        const about = {
            component: 'notifications',
            messageId: message.id,
            kind: message.kind,
            channel: message.channel,
        };
        let failure = null;
        try {
            const sender = this.#o.senders[message.channel];
            if (!sender)
                throw new DeliveryError(`no ${message.channel} channel is configured`);
            await sender.send(claimed, AbortSignal.timeout(this.#o.timeoutMs));
        }
        catch (error) {
            failure = {
                error: error instanceof DeliveryError ? error.message.slice(0, 500) : 'delivery failed',
                permanent: error instanceof DeliveryError && error.permanent,
            };
            if (!(error instanceof DeliveryError))
                log.warn({ ...about, err: error }, 'notification sender threw');
        }
        const now = clock.now();
        const next = failure
            ? failedMessage(claimed, now, failure, this.#o.retry, this.#o.random())
            : deliveredMessage(claimed, now);
        if (!(await outbox.update(next, claimed.version))) {
            // The claim lapsed and another dispatcher took the message: it may be sent twice.
            log.warn({ ...about, attempts: claimed.attempts }, 'notification claim lapsed during delivery');
            return;
        }
        const stored = { ...next, version: claimed.version + 1 };
        if (next.state === 'delivered') {
            result.delivered++;
            log.debug({ ...about, attempts: next.attempts }, 'notification delivered');
            this.#o.onDelivered?.(stored);
        }
        else if (next.state === 'dead') {
            result.deadLettered++;
            log.error({ ...about, attempts: next.attempts, error: next.lastError }, 'notification dead-lettered: it will not be retried');
            this.#o.onDeadLettered?.(stored);
        }
        else {
            result.failed++;
            log.warn({
                ...about,
                attempts: next.attempts,
                error: next.lastError,
                nextAttemptAt: next.nextAttemptAt,
            }, 'notification failed; will retry');
        }
    }
}
async function forEachLimited(items, limit, fn) {
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const item = items[next++];
            if (item !== undefined)
                await fn(item);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
