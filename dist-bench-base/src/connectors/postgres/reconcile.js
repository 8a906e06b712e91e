import { z } from 'zod';
import { ConnectorError } from '../connector.js';
import { checkIn, listCheckouts } from './checkout.js';
import { IDENTIFIER_PATTERN, postgresParamsSchema } from './config.js';
import { guardState, hashedRoleKey } from './context.js';
import { combineFailures, errorCode, toConnectorError } from './errors.js';
import { run } from './pg-client.js';
import { revokeRole } from './role-mode.js';
import { grantIdFromRoleName, isHashedRoleName, isManagedRoleName } from './role-names.js';
import { revokeMembershipSql } from './sql.js';
/**
 * Direct members only; the connector login itself is left out, because on PostgreSQL 16+ it
 * holds ADMIN OPTION on every target role and removing that would disable the target.
 * PostgreSQL 16 can list one membership once per grantor, hence DISTINCT.
 */
const MEMBERS_SQL = 'SELECT DISTINCT r.rolname AS granted, m.rolname AS member FROM pg_auth_members am ' +
    'JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member ' +
    'WHERE r.rolname = ANY($1::text[]) AND m.rolname <> current_user ORDER BY 1, 2';
/** Every role with the prefix, whatever it is a member of: a crash may have left one behind. */
const PREFIXED_SQL = 'SELECT r.rolname AS role, array_remove(array_agg(DISTINCT g.rolname::text), NULL) AS memberships ' +
    'FROM pg_roles r LEFT JOIN pg_auth_members am ON am.member = r.oid ' +
    'LEFT JOIN pg_roles g ON g.oid = am.roleid ' +
    'WHERE left(r.rolname, length($1)) = $1 GROUP BY r.rolname ORDER BY 1';
export async function listAccess(ctx, scope, signal) {
    const grantRoles = new Set();
    const accounts = new Set();
    for (const raw of scope.params) {
        const parsed = postgresParamsSchema.safeParse(raw);
        if (!parsed.success)
            continue;
        if (parsed.data.mode === 'role')
            grantRoles.add(parsed.data.grantRole);
        else
            accounts.add(parsed.data.account);
    }
    const prefixed = await run(ctx.client, signal, 'list prefixed roles', PREFIXED_SQL, [ctx.config.rolePrefix]);
    // A role Hourglass created reports everything it holds, so an extra GRANT shows up as drift.
    const managedMemberships = new Map(prefixed.map((p) => [p.role, [...p.memberships].sort()]));
    const members = await run(ctx.client, signal, 'list members', MEMBERS_SQL, [[...grantRoles].sort()]);
    const entries = [];
    const seen = new Set();
    for (const { granted, member } of members) {
        seen.add(member);
        const grantId = await grantIdOf(ctx, member);
        entries.push({
            key: `member:${member}:${granted}`,
            principal: member,
            grantId,
            privileges: grantId !== null ? (managedMemberships.get(member) ?? [granted]) : [granted],
        });
    }
    for (const { role, memberships } of prefixed) {
        if (seen.has(role))
            continue;
        entries.push({
            key: `role:${role}`,
            principal: role,
            grantId: await grantIdOf(ctx, role),
            privileges: [...memberships].sort(),
        });
    }
    entries.push(...(await listCheckouts(ctx, [...accounts].sort())));
    return entries;
}
async function grantIdOf(ctx, role) {
    const prefix = ctx.config.rolePrefix;
    const readable = grantIdFromRoleName(prefix, role);
    if (readable !== null || !isHashedRoleName(prefix, role))
        return readable;
    return guardState(() => ctx.state.get(hashedRoleKey(role)));
}
// Principals come from the target, so any name PostgreSQL allows; they are always quoted.
const targetName = z
    .string()
    .min(1)
    .refine((name) => Buffer.byteLength(name) <= 63 && !name.includes('\0'));
const accessEntry = z.object({
    key: z.string(),
    principal: targetName,
    grantId: z.string().min(1).nullable(),
    privileges: z.array(targetName),
});
/**
 * Roles Hourglass made are revoked in full; anyone else only loses the memberships the entry
 * names: a role Hourglass did not create is never dropped or altered.
 */
export async function removeAccess(ctx, raw, signal) {
    const parsed = accessEntry.safeParse(raw);
    if (!parsed.success) {
        throw new ConnectorError('rejected', 'not a postgres access entry', { retryable: false });
    }
    const entry = parsed.data;
    if (entry.principal === ctx.config.user) {
        throw new ConnectorError('rejected', "will not remove the connector's own access", {
            retryable: false,
        });
    }
    if (entry.key.startsWith('checkout:')) {
        if (!IDENTIFIER_PATTERN.test(entry.principal) || entry.grantId === null) {
            throw new ConnectorError('rejected', 'not a checkout entry', { retryable: false });
        }
        await checkIn(ctx, entry.principal, entry.grantId, signal);
        return;
    }
    if (isManagedRoleName(ctx.config.rolePrefix, entry.principal)) {
        await revokeRole(ctx, entry.principal, signal);
        return;
    }
    await revokeMemberships(ctx, entry.principal, entry.privileges, signal);
}
async function revokeMemberships(ctx, principal, roles, signal) {
    const failures = [];
    for (const role of roles) {
        try {
            await run(ctx.client, signal, `revoke ${role}`, revokeMembershipSql(role, principal));
        }
        catch (error) {
            if (errorCode(error) === '42704')
                continue;
            const failure = toConnectorError(error, `revoke ${role}`);
            failures.push(failure);
            if (failure.reason === 'unreachable')
                break;
        }
    }
    if (failures.length > 0)
        throw combineFailures(failures, `remove access of ${principal}`);
    // REVOKE only warns when it removes nothing (on 16+, a grant made by another grantor).
    const left = await run(ctx.client, signal, 'check memberships', STILL_MEMBER_SQL, [
        principal,
        roles,
    ]);
    if (left.length > 0) {
        throw new ConnectorError('rejected', `${principal} is still a member (granted by another role); remove it by hand`, { retryable: false });
    }
}
const STILL_MEMBER_SQL = 'SELECT 1 FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid ' +
    'JOIN pg_roles m ON m.oid = am.member WHERE m.rolname = $1 AND r.rolname = ANY($2::text[])';
