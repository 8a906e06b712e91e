import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BEAT_MS } from './revocation-protocol.js';
import { NODE_ENV } from './two-node-protocol.js';
const NODE = fileURLToPath(new URL('./revocation-pg-node.js', import.meta.url));
/**
 * A revocation node in a child process, watched from the benchmark: its messages, how long its
 * event loop stood still (gaps between beats), and a SIGKILL that works whatever that loop does.
 */
export class NodeProcess {
    name;
    #child;
    #stderr = '';
    #lastBeat = Date.now();
    #longestStallMs = 0;
    constructor(name, keys) {
        this.name = name;
        this.#child = fork(NODE, [], {
            stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
            env: {
                ...process.env,
                [NODE_ENV.databaseUrl]: keys.databaseUrl,
                [NODE_ENV.dataKey]: keys.dataKey,
                [NODE_ENV.auditSigningKeyFile]: keys.auditSigningKeyFile,
            },
        });
        this.#child.stderr?.on('data', (chunk) => {
            this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-4_000);
        });
        this.#child.on('message', (m) => {
            if (m.type !== 'beat')
                return;
            const now = Date.now();
            this.#longestStallMs = Math.max(this.#longestStallMs, now - this.#lastBeat);
            this.#lastBeat = now;
        });
    }
    /** The next message of this type; rejects when the node exits first or takes too long. */
    next(type, timeoutMs) {
        return new Promise((resolve, reject) => {
            const onMessage = (m) => {
                if (m.type !== type)
                    return;
                done();
                resolve(m);
            };
            const onExit = (code) => {
                done();
                reject(new Error(`node ${this.name} exited (${String(code)}):\n${this.#stderr}`));
            };
            const timer = setTimeout(() => {
                done();
                reject(new Error(`node ${this.name} sent no ${type} in time:\n${this.#stderr}`));
            }, timeoutMs);
            const done = () => {
                clearTimeout(timer);
                this.#child.off('message', onMessage);
                this.#child.off('exit', onExit);
            };
            this.#child.on('message', onMessage);
            this.#child.once('exit', onExit);
        });
    }
    send(command) {
        this.#child.send(command);
    }
    /** Forget the stalls so far (seeding and start-up are not part of the window). */
    resetStalls() {
        this.#lastBeat = Date.now();
        this.#longestStallMs = 0;
    }
    /** The longest stall up to `at`, counting a stall still going on; less the beat period itself. */
    longestStallMs(at) {
        return Math.max(this.#longestStallMs, at - this.#lastBeat) - BEAT_MS;
    }
    get alive() {
        return this.#child.exitCode === null && this.#child.signalCode === null;
    }
    /** SIGKILL, by the child's own pid: no finally blocks, no flush, like a power cut. */
    kill() {
        if (!this.alive)
            return Promise.resolve();
        return new Promise((resolve) => {
            this.#child.once('exit', () => {
                resolve();
            });
            this.#child.kill('SIGKILL');
        });
    }
}
