/** Parses a GETUSER reply; null for "no such user" and for anything that is not a user record. */
export function parseAclUser(reply) {
    const fields = toFields(reply);
    if (fields === null)
        return null;
    return {
        ...parseSelector(fields),
        flags: toStrings(fields.get('flags')),
        passwords: toStrings(fields.get('passwords')),
        selectors: toList(fields.get('selectors')).flatMap((raw) => {
            const selector = toFields(raw);
            return selector === null ? [] : [parseSelector(selector)];
        }),
    };
}
/** Every key glob the user can reach by, with the sigils stripped, across all selectors. */
export function keyGlobsOf(user) {
    // Redis 6.2 reports `~*` as a flag rather than a key pattern.
    const all = user.flags.includes('allkeys') ? ['*'] : [];
    return [user, ...user.selectors]
        .flatMap((s) => s.keys.map((rule) => rule.slice(rule.indexOf('~') + 1)))
        .concat(all);
}
/**
 * The user's rules, normalised and sorted so that two listings compare equal exactly when the
 * access is the same description. Flags other than the usual `on`/`sanitize-payload` (`nopass`,
 * `off`) are kept: they matter to whoever reviews shadow access.
 */
export function privilegesOf(user) {
    const usual = new Set(['on', 'sanitize-payload']);
    const own = [...user.keys, ...user.channels, ...user.commands];
    const flags = user.flags.filter((f) => !usual.has(f));
    const selectors = user.selectors.map((s) => `(${[...s.keys, ...s.channels, ...s.commands].join(' ')})`);
    return [...new Set([...own, ...flags, ...selectors])].sort();
}
function parseSelector(fields) {
    return {
        commands: toTokens(fields.get('commands')),
        keys: toTokens(fields.get('keys')).map((k) => (/^(~|%[RW]+~)/.test(k) ? k : `~${k}`)),
        channels: toTokens(fields.get('channels')).map((c) => (c.startsWith('&') ? c : `&${c}`)),
    };
}
function toFields(reply) {
    if (reply instanceof Map)
        return new Map([...reply].map(([k, v]) => [String(k), v]));
    if (Array.isArray(reply)) {
        if (reply.length % 2 !== 0)
            return null;
        const fields = new Map();
        for (let i = 0; i < reply.length; i += 2)
            fields.set(String(reply[i]), reply[i + 1]);
        return fields;
    }
    if (typeof reply === 'object' && reply !== null)
        return new Map(Object.entries(reply));
    return null;
}
function toList(value) {
    return Array.isArray(value) ? value : [];
}
function toStrings(value) {
    return toList(value).map(String);
}
/** A rule string split into tokens, or a list kept as it is (Redis 6.2 key and channel lists). */
function toTokens(value) {
    if (typeof value === 'string')
        return value.split(' ').filter((t) => t !== '');
    return toStrings(value).filter((t) => t !== '');
}
