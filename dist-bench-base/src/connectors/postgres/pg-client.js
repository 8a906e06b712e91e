import pg from 'pg';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from './config.js';
import { abortedError, checkAborted, toConnectorError } from './errors.js';
/** Small: role DDL is rare, and each connection is a backend slot on the customer's server. */
const POOL_SIZE = 4;
const CONNECT_TIMEOUT_MS = 5000;
/** Past the server's statement timeout, for a server that never answers at all. */
const CLIENT_GRACE_MS = 2000;
export function createPgPool(config) {
    const statementTimeout = config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    const pool = new pg.Pool({
        host: config.host,
        port: config.port,
        database: config.database,
        user: config.user,
        password: config.password.reveal(),
        ssl: sslOption(config.sslmode),
        max: POOL_SIZE,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        statement_timeout: statementTimeout,
        query_timeout: statementTimeout + CLIENT_GRACE_MS,
        application_name: 'hourglass-connector',
    });
    // An idle connection the server closed (restart, pg_terminate_backend) is dropped by the pool;
    // without a listener its error would crash the process.
    pool.on('error', () => undefined);
    let ended;
    return {
        async query(text, values) {
            const result = await pool.query(text, values);
            return { rows: result.rows };
        },
        end() {
            ended ??= pool.end();
            return ended;
        },
    };
}
function sslOption(mode) {
    switch (mode) {
        case undefined:
        case 'disable':
            return false;
        case 'require':
            // libpq's meaning: encrypted, but the certificate is not checked.
            return { rejectUnauthorized: false };
        case 'verify-full':
            return { rejectUnauthorized: true };
    }
}
/**
 * One statement, bounded by the caller's signal. The driver cannot cancel a query in flight, so
 * an abort stops waiting (the server's statement timeout ends the query itself).
 */
export async function run(client, signal, step, text, values) {
    checkAborted(signal);
    const pending = client.query(text, values);
    // The race below may settle first; the query's own failure must not go unhandled.
    pending.catch(() => undefined);
    let onAbort;
    const aborted = new Promise((_, reject) => {
        onAbort = () => {
            reject(abortedError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
        // The SQL in the caller decides the row shape; the driver cannot check it.
        return (await Promise.race([pending, aborted])).rows;
    }
    catch (error) {
        throw toConnectorError(error, step);
    }
    finally {
        if (onAbort)
            signal.removeEventListener('abort', onAbort);
    }
}
