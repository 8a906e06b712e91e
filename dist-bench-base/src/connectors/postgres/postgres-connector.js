import { ConnectorError, } from '../connector.js';
import { checkIn, checkoutRecord, inspectCheckout, issueCheckout } from './checkout.js';
import { postgresParamsSchema } from './config.js';
import { checkAborted } from './errors.js';
import { parseHandle } from './handles.js';
import { createPgPool, run } from './pg-client.js';
import { listAccess, removeAccess } from './reconcile.js';
import { inspectRole, issueRole, revokeRole, roleForGrant } from './role-mode.js';
import { isManagedRoleName } from './role-names.js';
/** pg_terminate_backend(pid, timeout) arrived in 14. */
const MIN_SERVER_VERSION = 140_000;
/** `client` is for tests that stand in for the driver; the host lets it default to a pg.Pool. */
export function createPostgresConnector(config, deps, client = createPgPool(config)) {
    const ctx = { config, client, state: deps.state, now: () => deps.now() };
    /** A role a handle names is dropped only if this connector could have made it. */
    const resolve = async (handle) => {
        const parsed = parseHandle(handle);
        switch (parsed.mode) {
            case 'role':
                if (!isManagedRoleName(config.rolePrefix, parsed.role)) {
                    throw new ConnectorError('rejected', 'the handle names a role Hourglass did not create', {
                        retryable: false,
                    });
                }
                return { mode: 'role', role: parsed.role };
            case 'checkout':
                return parsed;
            case 'intent': {
                const record = await checkoutRecord(ctx, parsed.grantId);
                if (record !== null) {
                    return { mode: 'checkout', account: record.account, grantId: parsed.grantId };
                }
                return { mode: 'role', role: roleForGrant(ctx, parsed.grantId) };
            }
        }
    };
    return {
        async issue(grant, { signal }) {
            checkAborted(signal);
            const params = parseParams(grant.params);
            return params.mode === 'role'
                ? issueRole(ctx, grant, params, signal)
                : issueCheckout(ctx, grant, params, signal);
        },
        async revoke(handle, { signal }) {
            checkAborted(signal);
            const target = await resolve(handle);
            if (target.mode === 'role')
                await revokeRole(ctx, target.role, signal);
            else
                await checkIn(ctx, target.account, target.grantId, signal);
        },
        async inspect(handle, { signal }) {
            checkAborted(signal);
            const target = await resolve(handle);
            return target.mode === 'role'
                ? inspectRole(ctx, target.role, signal)
                : inspectCheckout(ctx, target.account, target.grantId);
        },
        /** A role-mode grant holds exactly its target role; anything more is drift. */
        privilegesFor(params) {
            const parsed = postgresParamsSchema.safeParse(params);
            return parsed.success && parsed.data.mode === 'role' ? [parsed.data.grantRole] : [];
        },
        async list(scope, { signal }) {
            checkAborted(signal);
            return listAccess(ctx, scope, signal);
        },
        async removeAccess(entry, { signal }) {
            checkAborted(signal);
            await removeAccess(ctx, entry, signal);
        },
        async verifyConfig({ signal }) {
            const [row] = await run(client, signal, 'verify login', VERIFY_SQL);
            const missing = missingPrivileges(row);
            if (missing.length > 0) {
                throw new ConnectorError('rejected', `the connector login ${config.user} cannot manage roles: ${missing.join('; ')}`, { retryable: false });
            }
        },
        close() {
            return client.end();
        },
    };
}
const VERIFY_SQL = 'SELECT rolsuper AS superuser, rolcreaterole AS createrole, ' +
    "pg_has_role(current_user, 'pg_signal_backend', 'USAGE') AS can_signal, " +
    "current_setting('server_version_num')::int AS version " +
    'FROM pg_roles WHERE rolname = current_user';
function missingPrivileges(row) {
    if (row === undefined)
        return ['the login is not in pg_roles'];
    const missing = [];
    if (row.version < MIN_SERVER_VERSION)
        missing.push('PostgreSQL 14 or later is required');
    if (!row.superuser && !row.createrole)
        missing.push('CREATEROLE is missing');
    if (!row.superuser && !row.can_signal) {
        missing.push('membership in pg_signal_backend is missing (needed to end sessions on revoke)');
    }
    return missing;
}
function parseParams(raw) {
    const parsed = postgresParamsSchema.safeParse(raw);
    if (parsed.success)
        return parsed.data;
    // Paths and messages only: the offending value is what an attacker chose.
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConnectorError('rejected', `invalid postgres entitlement params: ${issues.join('; ')}`, {
        retryable: false,
    });
}
