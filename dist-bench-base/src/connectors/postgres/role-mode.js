import { ConnectorError } from '../connector.js';
import { grantEnd, guardState, hashedRoleKey, refuseProtectedRole, revokedRoleKey, } from './context.js';
import { connectionUri, instructionsFor } from './credential.js';
import { combineFailures, errorCode, toConnectorError } from './errors.js';
import { run } from './pg-client.js';
import { isHashedRoleName, roleNameFor } from './role-names.js';
import { generatePassword, scramVerifier } from './scram.js';
import { COUNT_SESSIONS_SQL, createLoginRoleSql, dropOwnedSql, dropRoleSql, grantMembershipSql, noLoginSql, resetLoginRoleSql, TERMINATE_SESSIONS_SQL, TERMINATE_WAIT_MS, } from './sql.js';
/** The per-grant login role; the grant id decides its name, so a retry finds its own role. */
export function roleForGrant(ctx, grantId) {
    try {
        return roleNameFor(ctx.config.rolePrefix, grantId);
    }
    catch (error) {
        throw new ConnectorError('rejected', 'the grant id cannot name a role', {
            retryable: false,
            cause: error,
        });
    }
}
export async function issueRole(ctx, grant, params, signal) {
    refuseProtectedRole(ctx, params.grantRole, 'grantRole');
    const end = grantEnd(ctx, grant);
    const role = roleForGrant(ctx, grant.grantId);
    if (isHashedRoleName(ctx.config.rolePrefix, role)) {
        const owner = await guardState(() => ctx.state.putIfAbsent(hashedRoleKey(role), grant.grantId));
        if (owner !== grant.grantId) {
            throw new ConnectorError('conflict', `role ${role} already belongs to another grant`, {
                retryable: false,
            });
        }
    }
    if ((await guardState(() => ctx.state.get(revokedRoleKey(role)))) !== null) {
        throw new ConnectorError('conflict', 'this grant was already revoked on the target', {
            retryable: false,
        });
    }
    const password = generatePassword();
    const spec = {
        role,
        verifier: await scramVerifier(password),
        validUntil: end,
        connectionLimit: params.connectionLimit,
        grantRole: params.grantRole,
    };
    await createOrReset(ctx, spec, signal);
    const handle = { mode: 'role', role, grantRole: params.grantRole };
    return {
        handle: { ...handle },
        credential: connectionUri(ctx.config, role, password),
        expiresAt: end,
        instructions: instructionsFor(ctx.config, role, end, 'role'),
    };
}
async function createOrReset(ctx, spec, signal) {
    const existing = await run(ctx.client, signal, 'look up role', ROLE_EXISTS_SQL, [spec.role]);
    if (existing.length === 0) {
        try {
            await run(ctx.client, signal, `create role ${spec.role}`, createLoginRoleSql(spec));
            return;
        }
        catch (error) {
            // Another attempt for the same grant created it in between: take it over below.
            if (errorCode(error) !== '42710')
                throw error;
        }
    }
    await run(ctx.client, signal, `reset role ${spec.role}`, resetLoginRoleSql(spec));
    const grant = grantMembershipSql(spec.grantRole, spec.role);
    await run(ctx.client, signal, `grant ${spec.grantRole} to ${spec.role}`, grant);
}
const ROLE_EXISTS_SQL = 'SELECT 1 AS found FROM pg_roles WHERE rolname = $1';
/**
 * Best effort, in an order that closes the door first: no new logins, then no open sessions
 * (T34), then nothing owned, then no role. "Does not exist" at any step is success. A step that
 * fails for another reason does not stop the rest; an unreachable server does.
 */
export async function revokeRole(ctx, role, signal) {
    const failures = [];
    const attempt = async (step) => {
        try {
            await step();
            return 'done';
        }
        catch (error) {
            if (errorCode(error) === '42704')
                return 'gone';
            const failure = toConnectorError(error, 'revoke');
            failures.push(failure);
            if (failure.reason === 'unreachable')
                throw combineFailures(failures, `revoke ${role}`);
            return 'done';
        }
    };
    // A state outage must not hold up revocation on the server; it is reported at the end.
    try {
        await guardState(() => ctx.state.put(revokedRoleKey(role), ctx.now().toISOString()));
    }
    catch (error) {
        failures.push(toConnectorError(error, 'record revocation'));
    }
    const login = await attempt(() => run(ctx.client, signal, `disable login of ${role}`, noLoginSql(role)));
    if (login === 'gone') {
        if (failures.length > 0)
            throw combineFailures(failures, `revoke ${role}`);
        return;
    }
    await attempt(() => terminateSessions(ctx, role, signal));
    await attempt(() => run(ctx.client, signal, `drop objects of ${role}`, dropOwnedSql(role)));
    await attempt(() => run(ctx.client, signal, `drop role ${role}`, dropRoleSql(role)));
    if (failures.length > 0)
        throw combineFailures(failures, `revoke ${role}`);
}
/** Ends every session logged in as `role`, then checks that none is left (the probe of T34). */
export async function terminateSessions(ctx, role, signal) {
    await run(ctx.client, signal, `terminate sessions of ${role}`, TERMINATE_SESSIONS_SQL, [
        role,
        TERMINATE_WAIT_MS,
    ]);
    const [left] = await run(ctx.client, signal, `count sessions of ${role}`, COUNT_SESSIONS_SQL, [role]);
    if ((left?.sessions ?? 0) > 0) {
        throw new ConnectorError('conflict', `${left?.sessions ?? 0} session(s) of ${role} survived`, {
            retryable: true,
        });
    }
}
export async function inspectRole(ctx, role, signal) {
    // The server's clock, not ours: it is the one that enforces VALID UNTIL.
    const rows = await run(ctx.client, signal, `inspect role ${role}`, 'SELECT rolcanlogin AND (rolvaliduntil IS NULL OR rolvaliduntil > now()) AS live ' +
        'FROM pg_roles WHERE rolname = $1', [role]);
    return rows[0]?.live === true ? 'live' : 'gone';
}
