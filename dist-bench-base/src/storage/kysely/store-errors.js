import { AppError } from '../../domain/errors.js';
/** Node socket errors: the database cannot be reached at all. */
const NETWORK_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
]);
/**
 * SQLSTATE classes and codes meaning "not reachable right now": 08 connection exception,
 * 28 authorisation (the configured role cannot log in), 3D000 missing database, 53300 too many
 * connections, 57P01-57P03 shutdown or start-up in progress.
 */
const PG_UNAVAILABLE = /^(08...|28...|3D000|53300|57P0[1-3])$/;
/** SQLite: the lock stayed held past busy_timeout, or the file cannot be used. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT)/;
/** pg (and Kysely, once destroyed) report pool and socket failures as plain Errors without a code. */
const PG_MESSAGES = [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error',
    'Cannot use a pool after calling end',
    'The database connection is not open',
    'driver has already been destroyed',
];
export function isUnavailableError(error) {
    if (!(error instanceof Error))
        return false;
    const code = error.code;
    if (typeof code === 'string') {
        if (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code) || SQLITE_UNAVAILABLE.test(code)) {
            return true;
        }
    }
    if (PG_MESSAGES.some((m) => error.message.includes(m)))
        return true;
    return error instanceof AggregateError && error.errors.some(isUnavailableError);
}
export function isUniqueViolation(error) {
    const code = error?.code;
    return (code === '23505' ||
        code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
        code === 'SQLITE_CONSTRAINT_UNIQUE');
}
/**
 * Connection-level failures become `store.unavailable`; everything else passes unchanged (an
 * AppError from the caller keeps its code). The message is fixed: driver messages can quote
 * SQL parameters, which may hold secrets, so they stay in `cause` only.
 */
export function toStoreError(error) {
    if (error instanceof AppError || !isUnavailableError(error))
        return error;
    return new AppError('store.unavailable', 'The database is unavailable', { cause: error });
}
/** Wraps every method of a repository so callers see the product's errors, not the driver's. */
export function withStoreErrors(repository) {
    const wrapped = {};
    for (const [name, value] of Object.entries(repository)) {
        if (typeof value !== 'function') {
            wrapped[name] = value;
            continue;
        }
        const method = value;
        wrapped[name] = async (...args) => {
            try {
                return await method.apply(repository, args);
            }
            catch (error) {
                throw toStoreError(error);
            }
        };
    }
    return wrapped;
}
