/**
 * Messages that arrive before their handler can act on them, kept and handed over in arrival
 * order once it can. An HTTP worker of `serve --workers N` is told of policy reloads by the
 * primary; one told while it is still starting (re-forked after a crash, say) may already have
 * read the old bundle, and dropping the message would leave it deciding on that bundle for good.
 */
export class HeldUntilReady {
    #held = [];
    #handle = null;
    /** Handles `message` now if ready, else keeps it for `ready`. */
    deliver(message) {
        if (this.#handle !== null)
            this.#handle(message);
        else
            this.#held?.push(message);
    }
    /** From now on messages go straight to `handle`; those kept so far go first, in order. */
    ready(handle) {
        const held = this.#held ?? [];
        this.#held = null;
        this.#handle = handle;
        for (const message of held)
            handle(message);
    }
}
