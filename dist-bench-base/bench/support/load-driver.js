import { Worker } from 'node:worker_threads';
import { nowMs } from './stats.js';
/** Drives the load worker from the server's thread: one round at a time. */
export class LoadDriver {
    #worker;
    #pending = null;
    #failure = null;
    constructor(data) {
        this.#worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: data });
        this.#worker.on('message', (result) => {
            const pending = this.#pending;
            this.#pending = null;
            pending?.resolve(result);
        });
        this.#worker.on('error', (error) => {
            this.#failure = error;
            this.#pending?.reject(error);
            this.#pending = null;
        });
    }
    /**
     * Call from the server side the moment a grant's activation committed; or, for a server in
     * another process, with `at`, when its activation was recorded (epoch ms).
     */
    activated(grantId, at = nowMs()) {
        this.#send({ type: 'active', grantId, at });
    }
    closed(concurrency, durationMs, untilActive = true) {
        return this.#round({ type: 'closed', concurrency, durationMs, untilActive });
    }
    open(rate, durationMs, untilActive = true) {
        return this.#round({ type: 'open', rate, durationMs, untilActive });
    }
    async stop() {
        this.#send({ type: 'stop' });
        await this.#worker.terminate();
    }
    #round(command) {
        if (this.#failure)
            return Promise.reject(this.#failure);
        if (this.#pending)
            return Promise.reject(new Error('a load round is already running'));
        return new Promise((resolve, reject) => {
            this.#pending = { resolve, reject };
            this.#send(command);
        });
    }
    #send(command) {
        this.#worker.postMessage(command);
    }
}
