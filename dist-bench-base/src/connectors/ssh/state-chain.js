import { ConnectorError } from '../connector.js';
/** Written over a version once its successor exists: readers only need the newest one. */
const SUPERSEDED = '"superseded"';
const MAX_ATTEMPTS = 32;
/**
 * One JSON value that several processes update safely through a state store that offers only
 * get, put and putIfAbsent. Version n+1 is claimed with `putIfAbsent`, so of two concurrent
 * updates exactly one wins and the other retries on the winner's value: no update is lost. The
 * `head` key is only a hint where to start looking; readers scan forward from it.
 */
export class StateChain {
    #state;
    #name;
    #schema;
    #empty;
    constructor(state, name, schema, empty) {
        this.#state = state;
        this.#name = name;
        this.#schema = schema;
        this.#empty = empty;
    }
    async read() {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            const hint = Number(await this.#get(`${this.#name}:head`));
            let version = Number.isSafeInteger(hint) && hint > 0 ? hint : 0;
            let raw = version > 0 ? await this.#get(this.#versionKey(version)) : null;
            if (version > 0 && raw === null)
                throw this.#malformed();
            for (;;) {
                const next = await this.#get(this.#versionKey(version + 1));
                if (next === null)
                    break;
                version += 1;
                raw = next;
            }
            // Superseded between our look and our read: a newer version exists, so look again.
            if (raw === SUPERSEDED)
                continue;
            return { version, value: raw === null ? this.#empty : this.#parse(raw) };
        }
        throw this.#contended();
    }
    /**
     * Applies `change` to the newest value and stores the result as the next version, retrying
     * on a concurrent update. `change` may run several times and must be pure; returning null
     * means "nothing to change".
     */
    async update(change) {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            const current = await this.read();
            const next = change(current.value);
            if (next === null)
                return current;
            const text = JSON.stringify(next);
            const version = current.version + 1;
            const stored = await this.#guard(() => this.#state.putIfAbsent(this.#versionKey(version), text));
            if (stored !== text)
                continue;
            await this.#guard(() => this.#state.put(`${this.#name}:head`, String(version)));
            if (current.version > 0) {
                const previous = this.#versionKey(current.version);
                await this.#guard(() => this.#state.put(previous, SUPERSEDED));
            }
            return { version, value: next };
        }
        throw this.#contended();
    }
    #versionKey(version) {
        return `${this.#name}:v${version}`;
    }
    #get(key) {
        return this.#guard(() => this.#state.get(key));
    }
    #parse(raw) {
        try {
            const parsed = this.#schema.safeParse(JSON.parse(raw));
            if (parsed.success)
                return parsed.data;
        }
        catch {
            // fall through: a syntax error quotes the stored text
        }
        throw this.#malformed();
    }
    async #guard(operation) {
        try {
            return await operation();
        }
        catch (error) {
            const kind = error instanceof Error ? error.name : typeof error;
            throw new ConnectorError('unreachable', `the connector state store failed (${kind})`, {
                retryable: true,
            });
        }
    }
    #malformed() {
        return new ConnectorError('conflict', `the ssh connector's stored ${this.#name} is malformed; restore it from a backup`, { retryable: false });
    }
    #contended() {
        return new ConnectorError('conflict', `too many concurrent updates to ${this.#name}`, {
            retryable: true,
        });
    }
}
