import { createHash } from 'node:crypto';
export function requestedAcl(params) {
    return {
        keyPatterns: unique(params.keyPatterns),
        channels: unique(params.channels ?? []),
        categories: unique(params.categories),
        commands: unique(params.commands ?? []),
    };
}
/**
 * Redis stores only this digest; sending it (`#…`) instead of the clear password (`>…`) keeps the
 * password out of the command stream entirely, and lets the read-back compare it exactly.
 */
export function passwordDigest(password) {
    return createHash('sha256').update(password, 'utf8').digest('hex');
}
/**
 * The `ACL SETUSER` arguments after the user name, one rule per argument (T15). `reset` first makes
 * a retried issue converge on exactly these rules; `resetchannels` again because `reset` grants
 * every channel when the server sets `acl-pubsub-default allchannels`. `-@dangerous` after the
 * categories strips what they bundle in (`KEYS` in @read, `FLUSHALL` in @write); explicit commands
 * come last and the params schema has already kept dangerous ones out.
 */
export function aclRules(acl, digest) {
    return [
        'reset',
        'resetchannels',
        'on',
        `#${digest}`,
        ...acl.keyPatterns.map((k) => `~${k}`),
        ...acl.channels.map((c) => `&${c}`),
        '-@all',
        ...acl.categories.map((c) => `+@${c}`),
        '-@dangerous',
        ...acl.commands.map((c) => `+${c}`),
    ];
}
/**
 * Commands an issued user must never be able to run, checked with `ACL DRYRUN` after every
 * SETUSER: the description Redis gives back folds categories into command lists, so a missing
 * `-@dangerous` would not show as a token we could spot.
 */
export function forbiddenProbes(user) {
    return [
        ['config', 'get', 'maxmemory'],
        ['flushall'],
        ['flushdb'],
        ['keys', '*'],
        ['acl', 'setuser', user],
        ['client', 'kill', 'user', user],
        ['eval', 'return 1', '0'],
        ['script', 'flush'],
        ['module', 'list'],
        ['debug', 'sleep', '0'],
        ['shutdown'],
    ];
}
const USUAL_FLAGS = new Set(['on', 'sanitize-payload']);
const NEVER_GRANTED = new Set(['+@all', '+@admin', '+@dangerous', '+@scripting', 'allcommands']);
/**
 * How the user Redis reports differs from what SETUSER asked for; empty when it matches. The
 * descriptions name rules, never digests, so they are safe in an error message.
 */
export function readbackMismatches(user, acl, digest) {
    const problems = [];
    if (!user.flags.includes('on'))
        problems.push('the user is not enabled');
    const odd = user.flags.filter((f) => !USUAL_FLAGS.has(f));
    if (odd.length > 0)
        problems.push(`unexpected flags ${odd.join(' ')}`);
    if (user.passwords.length !== 1 || user.passwords[0] !== digest) {
        problems.push(`expected exactly one password, found ${user.passwords.length} or another`);
    }
    const keys = acl.keyPatterns.map((k) => `~${k}`);
    if (!sameSet(user.keys, keys))
        problems.push(`keys are ${user.keys.join(' ') || '(none)'}`);
    const channels = acl.channels.map((c) => `&${c}`);
    if (!sameSet(user.channels, channels)) {
        problems.push(`channels are ${user.channels.join(' ') || '(none)'}`);
    }
    if (user.selectors.length > 0)
        problems.push(`${user.selectors.length} selectors are present`);
    if (user.commands[0] !== '-@all')
        problems.push('command rules do not start from -@all');
    // Redis describes the resulting command set, folding it into whichever categories it happens
    // to cover, so only tokens that can never be right are checked here; the probes do the rest.
    for (const token of user.commands) {
        if (NEVER_GRANTED.has(token))
            problems.push(`command rule ${token} was not requested`);
    }
    return problems;
}
function unique(values) {
    return [...new Set(values)];
}
function sameSet(actual, expected) {
    const a = [...new Set(actual)].sort();
    const e = [...new Set(expected)].sort();
    return a.length === e.length && a.every((v, i) => v === e[i]);
}
