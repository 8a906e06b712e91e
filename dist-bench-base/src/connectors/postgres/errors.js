import { ConnectorError } from '../connector.js';
import { VERIFIER_PATTERN } from './scram.js';
const UNREACHABLE = { reason: 'unreachable', retryable: true };
const REJECTED = { reason: 'rejected', retryable: false };
/** Exact SQLSTATEs first, then their class (the first two characters). */
const BY_SQLSTATE = {
    '42501': REJECTED, // insufficient_privilege: the connector login lacks a privilege
    '42704': { reason: 'not-found', retryable: false }, // undefined_object: no such role
    '42710': { reason: 'conflict', retryable: true }, // duplicate_object: a concurrent create
    '2BP01': REJECTED, // dependent_objects_still_exist: objects in another database, by hand
    XX000: { reason: 'conflict', retryable: true }, // "tuple concurrently updated" on pg_authid
};
const BY_CLASS = {
    '08': UNREACHABLE, // connection exception
    '53': UNREACHABLE, // insufficient resources, e.g. too many connections
    '57': UNREACHABLE, // statement timeout, shutdown, starting up
    '58': UNREACHABLE, // system error (I/O)
    '40': { reason: 'conflict', retryable: true }, // serialization failure, deadlock
    '55': { reason: 'conflict', retryable: true }, // lock not available
    '28': REJECTED, // the connector's own login was refused: a configuration problem
};
/**
 * A driver failure as the only error a connector may throw. The message names the step and the
 * SQLSTATE; the server's text is kept only after any SCRAM verifier is cut out of it (a syntax
 * error echoes the statement near the fault), and the driver error itself is not kept as the
 * cause, because its fields cannot all be vetted.
 */
export function toConnectorError(error, step) {
    if (error instanceof ConnectorError)
        return error;
    const code = errorCode(error);
    const failure = classify(code);
    const detail = error instanceof Error ? scrub(error.message) : 'unknown failure';
    const label = code === undefined ? detail : `${code}: ${detail}`;
    const cause = new Error(label);
    cause.name = error instanceof Error ? error.name : 'Error';
    if (code !== undefined)
        cause.code = code;
    return new ConnectorError(failure.reason, `postgres ${step} failed (${label})`, {
        retryable: failure.retryable,
        cause,
    });
}
/** The SQLSTATE (or Node network code) of a driver error, or of a ConnectorError's cause. */
export function errorCode(error) {
    if (error instanceof ConnectorError)
        return errorCode(error.cause);
    if (typeof error !== 'object' || error === null || !('code' in error))
        return undefined;
    return typeof error.code === 'string' ? error.code : undefined;
}
export function scrub(text) {
    return text.replace(VERIFIER_PATTERN, '[verifier]').slice(0, 500);
}
function classify(code) {
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
        return BY_SQLSTATE[code] ?? BY_CLASS[code.slice(0, 2)] ?? REJECTED;
    }
    // Network codes, and pg's own client-side failures, which carry no code (connect timeout,
    // socket closed, query timeout): all mean the target could not be asked.
    return UNREACHABLE;
}
/** Many failures from one best-effort operation, as one error: the worst decides retryability. */
export function combineFailures(failures, what) {
    const [first] = failures;
    if (first === undefined)
        throw new Error('combineFailures needs at least one failure');
    if (failures.length === 1)
        return first;
    const retryable = failures.every((f) => f.retryable);
    const reason = failures.find((f) => f.reason === 'unreachable')?.reason ?? first.reason;
    const messages = failures.map((f) => f.message).join('; ');
    return new ConnectorError(reason, `${what}: ${failures.length} steps failed: ${messages}`, {
        retryable,
        cause: new AggregateError(failures, what),
    });
}
export { abortedError, checkAborted } from '../abort.js';
