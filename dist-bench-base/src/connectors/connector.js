/** Failure reasons a connector may report; nothing else is thrown by a connector. */
export const CONNECTOR_FAILURES = ['unreachable', 'rejected', 'conflict', 'not-found'];
export class ConnectorError extends Error {
    reason;
    retryable;
    constructor(reason, message, options) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'ConnectorError';
        this.reason = reason;
        this.retryable = options.retryable;
    }
}
