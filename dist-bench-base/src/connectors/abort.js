import { ConnectorError } from './connector.js';
/** The caller gave up (timeout or shutdown): worth retrying later, like an unreachable target. */
export function abortedError(signal) {
    return new ConnectorError('unreachable', 'the operation was aborted', {
        retryable: true,
        cause: signal.reason,
    });
}
export function checkAborted(signal) {
    if (signal.aborted)
        throw abortedError(signal);
}
