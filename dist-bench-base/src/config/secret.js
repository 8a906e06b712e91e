import { inspect } from 'node:util';
const REDACTED = '[redacted]';
/** A value that must never reach logs, errors or the audit log. Read it with `reveal()`. */
export class Secret {
    #value;
    constructor(value) {
        this.#value = value;
    }
    reveal() {
        return this.#value;
    }
    toString() {
        return REDACTED;
    }
    toJSON() {
        return REDACTED;
    }
    [inspect.custom]() {
        return REDACTED;
    }
}
export function isSecret(value) {
    return value instanceof Secret;
}
