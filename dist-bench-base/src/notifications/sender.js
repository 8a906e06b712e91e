/** A failed delivery. `permanent` ones (a mailbox that does not exist) are not retried. */
export class DeliveryError extends Error {
    permanent;
    constructor(message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'DeliveryError';
        this.permanent = options.permanent ?? false;
    }
}
/** A network failure's code (`ECONNREFUSED`…) or a short generic reason; never the error's text. */
export function networkReason(error, signal) {
    if (signal.aborted)
        return 'timed out';
    let current = error;
    for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
        const code = current.code;
        if (typeof code === 'string' && /^[A-Z_]{3,40}$/.test(code))
            return code;
        current = current.cause;
    }
    return 'unreachable';
}
