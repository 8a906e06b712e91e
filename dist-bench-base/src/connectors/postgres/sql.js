import pg from 'pg';
import { MAX_ROLE_NAME_BYTES } from './role-names.js';
/**
 * Statement text for role DDL. Utility statements take no bind parameters, so identifiers are
 * always double-quoted and literals always escaped here, in one place (T12). Passwords only ever
 * appear as SCRAM verifiers (T14): nothing in this file accepts a clear password.
 */
/** How long revoke waits for a terminated backend to exit, so "revoked" means "disconnected". */
export const TERMINATE_WAIT_MS = 5000;
export function quoteIdent(name) {
    // A NUL ends the string early on the server; an over-long name is silently truncated there.
    if (name === '' || name.includes('\0') || Buffer.byteLength(name) > MAX_ROLE_NAME_BYTES) {
        throw new Error('not a valid PostgreSQL identifier');
    }
    return pg.escapeIdentifier(name);
}
function quoteLiteral(value) {
    if (value.includes('\0'))
        throw new Error('a literal must not contain NUL');
    return pg.escapeLiteral(value);
}
function validUntil(at) {
    return quoteLiteral(at.toISOString());
}
function verifierLiteral(verifier) {
    if (!verifier.startsWith('SCRAM-SHA-256$'))
        throw new Error('expected a SCRAM-SHA-256 verifier');
    return quoteLiteral(verifier);
}
/**
 * Every attribute spelled out, so a changed server default (or a role left by someone else)
 * cannot give the login more than it should have. INHERIT: the login must actually use the
 * target role's privileges without `SET ROLE`.
 */
const LOGIN_ATTRIBUTES = 'LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
export function createLoginRoleSql(spec) {
    return [
        `CREATE ROLE ${quoteIdent(spec.role)} WITH ${LOGIN_ATTRIBUTES}`,
        `CONNECTION LIMIT ${connectionLimit(spec.connectionLimit)}`,
        `VALID UNTIL ${validUntil(spec.validUntil)}`,
        `PASSWORD ${verifierLiteral(spec.verifier)}`,
        `IN ROLE ${quoteIdent(spec.grantRole)}`,
    ].join(' ');
}
/**
 * For a retried issue that finds its own role: a fresh password and window. Only attributes a
 * CREATEROLE login may change are named (SUPERUSER, REPLICATION and BYPASSRLS need a superuser
 * even to turn off); the role was created without them and only a superuser could add them.
 */
export function resetLoginRoleSql(spec) {
    return [
        `ALTER ROLE ${quoteIdent(spec.role)} WITH LOGIN INHERIT`,
        `CONNECTION LIMIT ${connectionLimit(spec.connectionLimit)}`,
        `VALID UNTIL ${validUntil(spec.validUntil)}`,
        `PASSWORD ${verifierLiteral(spec.verifier)}`,
    ].join(' ');
}
/** A shared account's password, and optionally its expiry; its other attributes stay as they are. */
export function rotatePasswordSql(account, verifier, until) {
    const expiry = until === undefined ? '' : ` VALID UNTIL ${validUntil(until)}`;
    return `ALTER ROLE ${quoteIdent(account)} WITH PASSWORD ${verifierLiteral(verifier)}${expiry}`;
}
export function grantMembershipSql(grantRole, member) {
    return `GRANT ${quoteIdent(grantRole)} TO ${quoteIdent(member)}`;
}
export function revokeMembershipSql(grantRole, member) {
    return `REVOKE ${quoteIdent(grantRole)} FROM ${quoteIdent(member)}`;
}
/** First step of revoke: no new session can start while the rest runs. */
export function noLoginSql(role) {
    return `ALTER ROLE ${quoteIdent(role)} WITH NOLOGIN`;
}
/**
 * One implicit transaction (a multi-statement simple query): REASSIGN and DROP OWNED need the
 * privileges of the role, which a CREATEROLE login does not have by itself, so it takes a
 * membership just for this and gives it back. Objects the grant created are kept, owned by the
 * connector login; privileges granted to the role are dropped.
 */
export function dropOwnedSql(role) {
    const r = quoteIdent(role);
    return [
        `GRANT ${r} TO CURRENT_USER`,
        `REASSIGN OWNED BY ${r} TO CURRENT_USER`,
        `DROP OWNED BY ${r}`,
        `REVOKE ${r} FROM CURRENT_USER`,
    ].join('; ');
}
export function dropRoleSql(role) {
    return `DROP ROLE IF EXISTS ${quoteIdent(role)}`;
}
/** Parameterised: $1 the role, $2 how long to wait for each backend to exit. */
export const TERMINATE_SESSIONS_SQL = 'SELECT pg_terminate_backend(pid, $2::bigint) AS terminated FROM pg_stat_activity ' +
    'WHERE usename = $1 AND pid <> pg_backend_pid()';
export const COUNT_SESSIONS_SQL = 'SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()';
function connectionLimit(limit) {
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        throw new Error('connection limit must be an integer in 1..100');
    }
    return limit;
}
