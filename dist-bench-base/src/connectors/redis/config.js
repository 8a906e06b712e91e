import { z } from 'zod';
import { isSecret, Secret } from '../../config/secret.js';
/**
 * Words that mean something to `ACL SETUSER` on their own. No entitlement value may equal one,
 * even though each value only ever reaches Redis behind its own sigil (T15, belt and braces).
 */
export const ACL_KEYWORDS = [
    'on',
    'off',
    'nopass',
    'resetpass',
    'reset',
    'resetkeys',
    'resetchannels',
    'allkeys',
    'allchannels',
    'allcommands',
    'nocommands',
    'sanitize-payload',
    'skip-sanitize-payload',
    'clearselectors',
];
/**
 * Command categories an entitlement may grant. `admin`, `dangerous`, `scripting` and `all` are
 * absent on purpose: each reaches the server's configuration, every key, or runs code.
 */
export const GRANTABLE_CATEGORIES = [
    'read',
    'write',
    'keyspace',
    'string',
    'hash',
    'list',
    'set',
    'sortedset',
    'stream',
    'bitmap',
    'hyperloglog',
    'geo',
    'pubsub',
    'fast',
    'slow',
    'blocking',
    'connection',
    'transaction',
];
/**
 * Commands no entitlement may add by name, with all their subcommands: Redis 7's @admin,
 * @dangerous and @scripting members. Newer servers may flag more; those still stay out of
 * category grants because every user also gets `-@dangerous`.
 */
export const DENIED_COMMANDS = new Set([
    ...['acl', 'bgrewriteaof', 'bgsave', 'client', 'cluster', 'config', 'debug', 'failover'],
    ...['eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'fcall', 'fcall_ro', 'function', 'script'],
    ...['flushall', 'flushdb', 'info', 'keys', 'lastsave', 'latency', 'migrate', 'module'],
    ...['monitor', 'pfdebug', 'pfselftest', 'psync', 'replconf', 'replicaof', 'restore', 'role'],
    ...['save', 'shutdown', 'slaveof', 'slowlog', 'sort', 'sort_ro', 'swapdb', 'sync', 'sentinel'],
]);
/**
 * A key or channel glob. It must start with a literal character, so no pattern can cover the
 * whole keyspace (`*`, `?*`, `[a-z]*`); an entitlement names a namespace such as `app:*`.
 */
export const KEY_PATTERN = /^[A-Za-z0-9:_{}.-][A-Za-z0-9:_{}.*?[\]-]{0,127}$/;
/** A command, optionally with one subcommand (`client|setname`); lower case as Redis reports them. */
export const COMMAND_PATTERN = /^[a-z][a-z_]{0,31}(\|[a-z][a-z_-]{0,31})?$/;
/** ACL usernames we accept for the admin: no spaces, quotes or sigils that read as rules. */
const ADMIN_USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/;
/** Generated user names start with this; `_` rather than `-`, which our name encoding uses. */
const USER_PREFIX = /^[a-z][a-z0-9_]{0,15}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]{2,45})$/;
export const DEFAULT_REDIS_PORT = 6379;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
const keywords = new Set(ACL_KEYWORDS);
const notKeyword = (value) => !keywords.has(value.toLowerCase());
const glob = z
    .string()
    .regex(KEY_PATTERN, 'must start with a literal and use only [A-Za-z0-9:_{}.-*?[]] (≤ 128)')
    .refine(notKeyword, 'must not be an ACL keyword');
const command = z
    .string()
    .regex(COMMAND_PATTERN, 'must be a lower-case command, optionally command|subcommand')
    .refine((c) => !DENIED_COMMANDS.has(c.split('|')[0] ?? c), 'this command may not be granted')
    .refine(notKeyword, 'must not be an ACL keyword');
/** Accepts the clear value from configuration, or a Secret already unwrapped by the host. */
const secret = z.union([
    z.custom(isSecret),
    z
        .string()
        .min(1)
        .transform((v) => new Secret(v)),
]);
export const redisConfigSchema = z
    .strictObject({
    host: z.string().regex(HOST, 'must be a host name or an IP address'),
    port: z.number().int().min(1).max(65_535).default(DEFAULT_REDIS_PORT),
    /** The connector's own ACL user: it manages users and kills their connections. */
    username: z.string().regex(ADMIN_USERNAME, 'must be a plain ACL user name'),
    password: secret,
    /** Every user this connector creates is named `<userPrefix><encoded grant id>`. */
    userPrefix: z.string().regex(USER_PREFIX, 'must match [a-z][a-z0-9_]{0,15}').default('hg_'),
    /** Set when the server loads users from an aclfile: each change is then followed by ACL SAVE. */
    persistAcl: z.boolean().default(false),
    connectTimeoutMs: z.number().int().min(100).max(60_000).optional(),
})
    .refine((c) => !c.username.startsWith(c.userPrefix), {
    message: 'the admin user name must not start with userPrefix',
    path: ['username'],
});
/** What a catalog entitlement grants; strict, so nothing else reaches the ACL rules. */
export const redisParamsSchema = z
    .strictObject({
    keyPatterns: z.array(glob).min(1).max(16),
    categories: z.array(z.enum(GRANTABLE_CATEGORIES)).max(16),
    commands: z.array(command).max(32).optional(),
    channels: z.array(glob).max(16).optional(),
})
    .refine((p) => p.categories.length + (p.commands?.length ?? 0) > 0, {
    message: 'grant at least one category or command',
    path: ['categories'],
});
