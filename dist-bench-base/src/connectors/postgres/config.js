import { z } from 'zod';
import { Secret } from '../../config/secret.js';
/**
 * Names an entitlement may put in front of the target: plain lower-case identifiers that need no
 * quoting, so a quote, a semicolon, a space or a look-alike letter never gets near SQL (T12).
 * Quoting still happens on every use; this is the second fence.
 */
export const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
/** Short, so a prefix plus an encoded grant id fits PostgreSQL's 63-byte identifiers. */
export const ROLE_PREFIX_PATTERN = /^[a-z_][a-z0-9_]{0,15}$/;
export const DEFAULT_ROLE_PREFIX = 'hg_';
export const DEFAULT_CONNECTION_LIMIT = 5;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
const identifier = z
    .string()
    .regex(IDENTIFIER_PATTERN, 'must be a lower-case identifier matching ^[a-z_][a-z0-9_]{0,62}$');
// Host names and IP literals only; these also appear in the psql line the requester copies.
const host = z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:-]+$/, 'host must be a host name or an IP address')
    .refine((value) => !value.startsWith('-'), 'host must not start with "-"');
// Connection parameters, never interpolated into SQL; still kept to printable, unquoted names.
const loginName = z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_$.-]{0,62}$/, 'must be a plain PostgreSQL name (≤ 63 characters)');
export const postgresConfigSchema = z.strictObject({
    host,
    port: z.number().int().min(1).max(65_535).default(5432),
    database: loginName,
    /** The connector's own login: CREATEROLE and pg_signal_backend, never a superuser need. */
    user: loginName,
    password: z
        .string()
        .min(1)
        .max(1024)
        .transform((value) => new Secret(value)),
    sslmode: z.enum(['disable', 'require', 'verify-full']).optional(),
    /** Every role this target creates starts with it; roles with it are Hourglass's to manage. */
    rolePrefix: z
        .string()
        .regex(ROLE_PREFIX_PATTERN, 'rolePrefix must match ^[a-z_][a-z0-9_]{0,15}$')
        .refine((value) => !value.startsWith('pg_'), 'PostgreSQL reserves role names starting pg_')
        .default(DEFAULT_ROLE_PREFIX),
    statementTimeoutMs: z.number().int().min(100).max(300_000).optional(),
});
const roleParams = z.strictObject({
    mode: z.literal('role'),
    /** An existing role whose privileges the per-grant login inherits. */
    grantRole: identifier,
    connectionLimit: z.number().int().min(1).max(100).default(DEFAULT_CONNECTION_LIMIT),
});
const checkoutParams = z.strictObject({
    mode: z.literal('checkout'),
    /** An existing shared login whose password Hourglass rotates on every checkout and check-in. */
    account: identifier,
});
/** Strict: an entitlement cannot smuggle role attributes (SUPERUSER, BYPASSRLS) in beside these. */
export const postgresParamsSchema = z.discriminatedUnion('mode', [roleParams, checkoutParams]);
