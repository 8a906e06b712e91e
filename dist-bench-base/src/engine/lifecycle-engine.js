import { activateGrant } from '../app/activate-grant.js';
import { runDueWork } from '../app/reconcile-grants.js';
import { executeRevocations, MAX_REVOCATION_BATCH } from '../app/execute-revocations.js';
import { yieldToEventLoop } from '../app/event-loop.js';
import { releaseIssuanceClaims } from '../app/release-issuance-claims.js';
import { MinHeap } from './min-heap.js';
import { NodeMembership } from './node-membership.js';
/**
 * Fires revocations from an in-memory min-heap of due times with one timer, so lag is
 * milliseconds rather than a poll interval; the database stays the truth: the heap is refilled
 * from it on every sweep, and claims are compare-and-swap, so several processes never revoke
 * one grant twice and a crashed process's grants are picked up by the others. With several
 * nodes, each queues only its share of the expiries (`NodeMembership`): they no longer race for
 * every claim, and a dead node's share is taken over a few seconds after its last heartbeat.
 */
export class LifecycleEngine {
    #deps;
    #o;
    #heap = new MinHeap();
    #queued = new Set();
    #jobs = new JobQueue();
    /** Grants due for revocation, taken in batches: one claim and one commit for many. */
    #due = new JobQueue();
    /**
     * Revocations already under way or asked for (a dead node's lapsed claims, early revocations,
     * due retries): batches take them before `#due`, so a takeover does not wait out a backlog of
     * fresh expiries. `#urgentIds` holds them until their batch ends, so a sweep adds each once.
     */
    #urgent = new JobQueue();
    #urgentIds = new Set();
    #batchesRunning = 0;
    #running = 0;
    #drainPending = false;
    #idle = [];
    #timer = null;
    #timerAt = Infinity;
    #sweeper = null;
    #sweeping = null;
    #stopped = true;
    #membership;
    /**
     * Grants this node activated itself: queued for their expiry whatever the share, since the
     * owner may not load them before its next sweep (a short grant could wait a sweep interval).
     */
    #local = new Set();
    constructor(deps, options) {
        this.#deps = deps;
        this.#o = options;
        this.#membership = new NodeMembership(deps.store.lifecycleNodes, deps.clock, {
            workerId: deps.settings.workerId,
            leaseMs: deps.settings.leaseMs,
            // A beat that finds a node gone starts a sweep: its share is loaded without waiting for one.
            onNodeLost: () => {
                if (!this.#stopped)
                    void this.sweep();
            },
        });
    }
    /** Signals for use cases: work committed in this process starts here without waiting for a sweep. */
    signals = {
        grantScheduled: (id) => {
            this.#enqueue(() => activateGrant(this.#deps, id));
        },
        grantActivated: (grant) => {
            if (this.#schedule(grant.id, grant.expiresAt.getTime()))
                this.#local.add(grant.id);
        },
        revocationRequested: (id) => {
            // Even when its expiry is already queued: an early revocation must not wait for it.
            this.#revokeFirst(id);
        },
        grantIrrevocable: () => undefined,
        grantRevoked: () => undefined,
        breakGlassUsed: () => undefined,
        breakGlassReviewOverdue: () => undefined,
    };
    /** Starts the engine; overdue grants (e.g. after downtime) are revoked by the first sweep. */
    async start() {
        this.#stopped = false;
        this.#o.handoff?.open();
        // An HTTP worker of `serve --workers N` is no node of its own: the primary's engine is.
        if (this.#o.sweeps === false)
            return;
        await this.#membership.start((error) => {
            this.#deps.log.error({ err: error }, 'lifecycle heartbeat failed');
        });
        await this.sweep();
        this.#sweeper = setInterval(() => {
            void this.sweep();
        }, this.#o.sweepIntervalMs);
        this.#sweeper.unref();
    }
    /**
     * Stops claiming work and waits only for the operations already in flight. Queued work is
     * dropped rather than drained: it is all still due in the database, where the next sweep of any
     * node (this one after a restart included) finds it.
     */
    async stop() {
        this.#stopped = true;
        if (this.#sweeper)
            clearInterval(this.#sweeper);
        if (this.#timer)
            clearTimeout(this.#timer);
        this.#timer = null;
        this.#timerAt = Infinity;
        this.#jobs = new JobQueue();
        this.#due = new JobQueue();
        this.#urgent = new JobQueue();
        this.#heap = new MinHeap();
        this.#queued.clear();
        this.#urgentIds.clear();
        this.#local.clear();
        await this.#sweeping;
        if (this.#running > 0)
            await new Promise((resolve) => this.#idle.push(resolve));
        // After the work in flight: the others take this node's share at their next sweep.
        await this.#membership.leave().catch((error) => {
            this.#deps.log.warn({ err: error }, 'could not leave the lifecycle nodes; the others wait a lease');
        });
        if (this.#o.handoff)
            await releaseIssuanceClaims(this.#deps, this.#o.handoff.close());
    }
    /** One backstop pass, then reload upcoming expiries into the timer. Never runs twice at once. */
    sweep() {
        this.#sweeping ??= this.#sweepOnce().finally(() => {
            this.#sweeping = null;
        });
        return this.#sweeping;
    }
    async #sweepOnce() {
        const { deps } = { deps: this.#deps };
        try {
            await this.#queueResumable();
            // Issuance and lapsing in a small slice: with synchronous SQLite a pass is one microtask
            // chain, so a 200-grant pass stood the event loop still for seconds. Revocations are all
            // queued here already (overdue expiries by the heap fill, the rest just above).
            await runDueWork(deps, SWEEP_SLICE, { revocations: false });
            // Each sweep too, not only each beat: the split is never older than one sweep.
            await this.#membership.refresh();
            await this.#fillHeap();
            await this.#o.afterSweep?.();
        }
        catch (error) {
            deps.log.error({ err: error }, 'lifecycle sweep failed');
        }
    }
    /**
     * Lapsed claims (a dead node's), unclaimed early revocations and due retries go to the front,
     * even when this node has the same grants queued for their expiry: those wait behind the
     * backlog, and a dead node's claims have waited a whole lease already. Expired `active` grants
     * are not read here: the heap fill below loads every one of them, overdue included, so a sweep
     * during a mass expiry neither sorts nor re-reads the thousands already queued.
     */
    async #queueResumable() {
        if (this.#stopped)
            return;
        const due = await this.#deps.store.grants.listResumableRevocations(this.#deps.clock.now(), OVERDUE_BATCH);
        for (const g of due)
            this.#revokeFirst(g.id);
    }
    /**
     * Loads every expiry inside the horizon that is this node's share into the heap (overdue ones
     * too, which fire at once), a page at a time, yielding to the event loop between pages. The
     * database returns only this node's buckets (all of them when it is alone), soonest first, and
     * paging continues past the grants already queued, so a window larger than one page is still
     * covered whole. Reading every node's expiries and dropping the others' here cost each node
     * the whole window's rows, decoded and hashed, on every sweep.
     */
    async #fillHeap() {
        const until = new Date(this.#deps.clock.now().getTime() + this.#o.horizonMs);
        let after;
        for (let loaded = 0; loaded < MAX_HEAP && !this.#stopped;) {
            // The split as of this page: a beat between pages may have moved buckets.
            const share = this.#membership.share;
            const page = await this.#deps.store.grants.listExpiringBefore(until, FILL_PAGE, after, share.alone ? undefined : share.buckets);
            for (const g of page)
                this.#schedule(g.id, g.expiresAt.getTime());
            loaded += page.length;
            const last = page.at(-1);
            if (page.length < FILL_PAGE || !last)
                break;
            after = last;
            await yieldToEventLoop();
        }
    }
    /** Queues a grant for its expiry; false when it was queued already or is beyond the horizon. */
    #schedule(grantId, at) {
        if (this.#stopped || this.#queued.has(grantId))
            return false;
        if (at > this.#deps.clock.now().getTime() + this.#o.horizonMs)
            return false;
        this.#queued.add(grantId);
        this.#heap.push(at, grantId);
        if (at < this.#timerAt)
            this.#arm();
        return true;
    }
    #arm() {
        if (this.#timer)
            clearTimeout(this.#timer);
        const next = this.#heap.peek();
        if (!next || this.#stopped) {
            this.#timer = null;
            this.#timerAt = Infinity;
            return;
        }
        this.#timerAt = next.at;
        // On the engine's clock, as due-ness is judged: a test's parked clock must not make it spin.
        const delay = Math.max(0, next.at - this.#deps.clock.now().getTime());
        this.#timer = setTimeout(() => {
            this.#fire();
        }, Math.min(delay, 2 ** 31 - 1));
        this.#timer.unref();
    }
    #fire() {
        this.#timer = null;
        this.#timerAt = Infinity;
        const now = this.#deps.clock.now().getTime();
        // The share as of now: a node that joined since the fill owns part of what is queued here.
        // Its grants leave `#queued`, so a sweep queues them again should that node die.
        const share = this.#membership.share;
        for (let top = this.#heap.peek(); top && top.at <= now; top = this.#heap.peek()) {
            this.#heap.pop();
            if (share.owns(top.value) || this.#local.has(top.value))
                this.#revokeSoon(top.value);
            else
                this.#queued.delete(top.value);
        }
        this.#arm();
    }
    #revokeSoon(grantId) {
        if (this.#stopped)
            return;
        this.#due.push(grantId);
        this.#drain();
    }
    #revokeFirst(grantId) {
        if (this.#stopped || this.#urgentIds.has(grantId))
            return;
        this.#urgentIds.add(grantId);
        this.#urgent.push(grantId);
        this.#drain();
    }
    /**
     * Up to a batch of due grants, the urgent ones first, revoked together; they leave `#queued`
     * when it ends. A grant queued twice (urgent and for its expiry) is simply found done the
     * second time: the claim is compare-and-swap.
     */
    #nextRevocationBatch() {
        if (this.#batchesRunning >= (this.#o.revocationBatches ?? REVOCATION_BATCHES_IN_FLIGHT))
            return undefined;
        const ids = [];
        const size = Math.min(this.#o.revocationBatchSize ?? MAX_REVOCATION_BATCH, MAX_REVOCATION_BATCH);
        for (const queue of [this.#urgent, this.#due]) {
            while (ids.length < size) {
                const id = queue.shift();
                if (id === undefined)
                    break;
                ids.push(id);
            }
        }
        if (ids.length === 0)
            return undefined;
        this.#batchesRunning++;
        return async () => {
            try {
                await executeRevocations(this.#deps, ids);
            }
            finally {
                this.#batchesRunning--;
                for (const id of ids) {
                    this.#queued.delete(id);
                    this.#urgentIds.delete(id);
                    this.#local.delete(id);
                }
            }
        };
    }
    #enqueue(job) {
        // A stopped (or never started) engine leaves work to the database sweep of whoever runs one.
        if (this.#stopped)
            return;
        this.#jobs.push(job);
        this.#drain();
    }
    #drain() {
        while (this.#running < this.#o.concurrency) {
            // Ending access goes first; batches take at most two slots, so issuance keeps the rest.
            const job = this.#nextRevocationBatch() ?? this.#jobs.shift();
            if (!job)
                break;
            this.#running++;
            job()
                .catch((error) => {
                this.#deps.log.error({ err: error }, 'lifecycle job failed');
            })
                .finally(() => {
                this.#running--;
                if (this.#running === 0)
                    for (const resolve of this.#idle.splice(0))
                        resolve();
                // On SQLite every await of a job resolves at once, so draining here directly would run
                // the whole backlog as one microtask chain: no timer, no HTTP request, not even
                // /readyz, would run until it ended. The next job waits for the event loop's turn.
                this.#drainSoon();
            });
        }
    }
    /**
     * At most one drain waits for the event loop. One per finished job multiplied: each of the
     * `concurrency` immediates refilled all the slots, so the next turn held `concurrency`² jobs,
     * the one after that its cube, and a revocation window ran as one check phase of many seconds.
     */
    #drainSoon() {
        if (this.#drainPending)
            return;
        this.#drainPending = true;
        setImmediate(() => {
            this.#drainPending = false;
            this.#drain();
        });
    }
}
/** Due work done inside the sweep itself, and resumable revocations queued per sweep. */
const SWEEP_SLICE = 20;
const OVERDUE_BATCH = 5_000;
/** Expiries loaded per query, and at most in the heap per sweep (about 100 bytes each). */
const FILL_PAGE = 5_000;
const MAX_HEAP = 500_000;
/**
 * Revocation batches running at once: one can claim or commit while the other waits on its
 * targets; more would only queue on the database and lengthen each batch's lag.
 */
const REVOCATION_BATCHES_IN_FLIGHT = 2;
/** FIFO without Array.shift, which copies on long queues (a revocation window's backlog). */
class JobQueue {
    #items = [];
    #head = 0;
    push(job) {
        this.#items.push(job);
    }
    shift() {
        if (this.#head >= this.#items.length)
            return undefined;
        const job = this.#items[this.#head];
        this.#items[this.#head++] = undefined;
        if (this.#head > 1_024 && this.#head * 2 > this.#items.length) {
            this.#items = this.#items.slice(this.#head);
            this.#head = 0;
        }
        return job;
    }
}
