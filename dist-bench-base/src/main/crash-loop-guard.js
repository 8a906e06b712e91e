/** Crashes counted within this window; older ones are forgiven. */
const WINDOW_MS = 60_000;
/** More crashes than this within the window is a crash loop: the node stops (exit 1). */
const MAX_CRASHES = 5;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;
/**
 * Restart backoff for the HTTP workers: the first re-fork after a quiet spell is almost at once
 * (a one-off crash costs a quarter second of half capacity), each further crash in the window
 * doubles the wait, and a worker that cannot stay up (bad config, a port taken, a crash at every
 * request) ends the node with a non-zero exit, for its supervisor to see, rather than spinning.
 */
export class CrashLoopGuard {
    #crashes = [];
    /** Crashes within the window, the last one included. */
    get recent() {
        return this.#crashes.length;
    }
    /** Records a crash at `now`; the delay before re-forking, or null when it is a crash loop. */
    crashed(now) {
        this.#crashes = this.#crashes.filter((at) => now - at < WINDOW_MS);
        this.#crashes.push(now);
        const n = this.#crashes.length;
        if (n > MAX_CRASHES)
            return null;
        return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (n - 1));
    }
}
