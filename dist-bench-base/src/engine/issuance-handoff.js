/**
 * The in-process handoff from a submission that claimed its grant to the worker that issues it.
 * Open only while this process's lifecycle worker runs: a process without one must leave grants
 * `scheduled` for whichever node sweeps, rather than leased to a worker that will never issue them.
 */
export class InMemoryIssuanceHandoff {
    #held = new Map();
    #open = false;
    accepting() {
        return this.#open;
    }
    put(grant) {
        if (this.#open)
            this.#held.set(grant.id, grant);
    }
    take(grantId) {
        const grant = this.#held.get(grantId);
        if (grant !== undefined)
            this.#held.delete(grantId);
        return grant;
    }
    open() {
        this.#open = true;
    }
    /** Stops accepting and returns the grants claimed here whose issuance never started. */
    close() {
        this.#open = false;
        const unstarted = [...this.#held.values()];
        this.#held.clear();
        return unstarted;
    }
}
