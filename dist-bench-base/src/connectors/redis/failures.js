import { ConnectorError } from '../connector.js';
import { RedisReplyError } from './client.js';
import { abortedError, checkAborted } from '../abort.js';
/** Replies that mean "this credential or grant may not do that": retrying cannot help. */
const REFUSALS = new Set(['NOPERM', 'WRONGPASS', 'NOAUTH']);
/** Replies that mean "not now": a loading, busy or failing-over server. */
const TRANSIENT = new Set([
    'LOADING',
    'BUSY',
    'TRYAGAIN',
    'MASTERDOWN',
    'CLUSTERDOWN',
    'READONLY',
]);
/**
 * The one place driver failures become ConnectorErrors. Messages come from RedisReplyError and
 * RedisTransportError, which the client has already stripped of arguments and digests.
 */
export function toConnectorError(error, what) {
    if (error instanceof ConnectorError)
        return error;
    if (error instanceof RedisReplyError) {
        if (REFUSALS.has(error.code)) {
            return new ConnectorError('rejected', `${what}: Redis refused: ${error.message}`, {
                retryable: false,
                cause: error,
            });
        }
        if (TRANSIENT.has(error.code)) {
            return new ConnectorError('unreachable', `${what}: Redis is unavailable: ${error.message}`, {
                retryable: true,
                cause: error,
            });
        }
        return new ConnectorError('rejected', `${what} failed: ${error.message}`, {
            retryable: false,
            cause: error,
        });
    }
    const message = error instanceof Error ? error.message : 'unknown failure';
    return new ConnectorError('unreachable', `${what}: Redis is unreachable: ${message}`, {
        retryable: true,
        cause: error,
    });
}
export function isNoSuchUser(error) {
    return error instanceof RedisReplyError && /no such user/i.test(error.message);
}
/**
 * Stops waiting when the caller gives up. The command itself may still reach Redis; every
 * command this connector sends is safe to repeat, so a later retry converges.
 */
export function abortable(signal, operation) {
    checkAborted(signal);
    return new Promise((resolve, reject) => {
        const onAbort = () => {
            reject(abortedError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        void operation()
            .then(resolve, reject)
            .finally(() => {
            signal.removeEventListener('abort', onAbort);
        });
    });
}
export { checkAborted } from '../abort.js';
