import { RevocationShare } from '../domain/revocation-share.js';
/**
 * How long a node may be silent before the others take its share: 3 s, or the lease if shorter.
 * Shorter than the lease on purpose: a dead node's unclaimed grants may be taken at once (the
 * claim's compare-and-swap keeps them safe), only its claims must wait out their lease. Taking
 * the share a lease late left its grants unrevoked for 30 s. A node merely slow past this limit
 * (a stall, a clock ahead) only has its share queued twice for a while.
 */
export function nodeSilenceMs(leaseMs) {
    return Math.min(leaseMs, SILENCE_MS);
}
const SILENCE_MS = 3_000;
/**
 * This node's heartbeat in `lifecycle_nodes`, and the live set it reads back: the nodes whose
 * heartbeat is younger than the silence limit (`nodeSilenceMs`). Revocations are split between
 * them by `RevocationShare`; a node that stops beating drops out of everyone's view a few seconds
 * after its last beat, and its claims are taken over when their lease runs out, as before.
 *
 * Views may disagree for a moment (a node just started or just died): then two nodes queue the
 * same grant, and the claim's compare-and-swap lets one of them revoke it. No view ever leaves a
 * grant to nobody for longer than the silence limit and a sweep, because every node counts itself
 * live.
 */
export class NodeMembership {
    #nodes;
    #clock;
    #o;
    #share;
    #timer = null;
    #beating = null;
    constructor(nodes, clock, options) {
        this.#nodes = nodes;
        this.#clock = clock;
        this.#o = options;
        this.#share = new RevocationShare(options.workerId, []);
    }
    /** The split as of the last heartbeat or refresh (this node alone before the first). */
    get share() {
        return this.#share;
    }
    /** Three beats per silence limit: a node missing one (a long GC, a slow pool) is still live. */
    get beatIntervalMs() {
        return Math.max(25, Math.floor(this.silenceMs / 3));
    }
    get silenceMs() {
        return nodeSilenceMs(this.#o.leaseMs);
    }
    /**
     * Forgets long-dead nodes, beats now and then every `beatIntervalMs`; `onError` hears of a
     * failed beat. Never throws: with the database down the engine starts as before, alone in its
     * view, and beats once the database is back.
     */
    async start(onError) {
        const now = this.#clock.now().getTime();
        try {
            await this.#nodes.forgetSilentSince(new Date(now - FORGET_AFTER_LEASES * this.#o.leaseMs));
            await this.beat();
        }
        catch (error) {
            onError(error);
        }
        this.#timer = setInterval(() => {
            this.beat().catch(onError);
        }, this.beatIntervalMs);
        this.#timer.unref();
    }
    /** Stops beating and removes this node's row, so the others take its share at their next refresh. */
    async leave() {
        // Never started (an HTTP worker sharing its primary's workerId): the row is not this one's.
        if (this.#timer === null)
            return;
        clearInterval(this.#timer);
        this.#timer = null;
        await this.#beating?.catch(() => undefined);
        await this.#nodes.leave(this.#o.workerId);
        this.#share = new RevocationShare(this.#o.workerId, []);
    }
    /** Records this node as alive and reads the live set. One at a time. */
    beat() {
        this.#beating ??= this.#beatOnce().finally(() => {
            this.#beating = null;
        });
        return this.#beating;
    }
    /** Reads the live set again without beating (each sweep, so the split follows deaths promptly). */
    async refresh() {
        const now = this.#clock.now().getTime();
        const before = this.#share;
        this.#share = new RevocationShare(this.#o.workerId, await this.#nodes.listLive(new Date(now - this.silenceMs)));
        if (before.nodes.some((n) => !this.#share.nodes.includes(n)))
            this.#o.onNodeLost?.();
        return this.#share;
    }
    async #beatOnce() {
        await this.#nodes.beat(this.#o.workerId, this.#clock.now());
        await this.refresh();
    }
}
/** Rows of nodes silent this many leases are deleted at a node's start: long dead, they would only grow the table. */
const FORGET_AFTER_LEASES = 100;
