import { createHash } from 'node:crypto';
/** PostgreSQL truncates identifiers at NAMEDATALEN - 1 bytes; a truncated name would collide. */
export const MAX_ROLE_NAME_BYTES = 63;
/** Never produced by the reversible encoding (an escape is `__` or `_` + hex), so never ambiguous. */
const HASHED_MARKER = '_z';
const HASH_LENGTH = 32;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/**
 * The login role for a grant: `prefix` + the grant id, reversibly encoded into `[a-z0-9_]`
 * (`_` → `__`, any other byte outside `[a-z0-9]` → `_` + two hex digits). When that would pass 63
 * bytes the name is `prefix` + `_z` + a hash of the grant id instead, which cannot be read
 * back: the connector records those in its state before creating the role.
 *
 * @example
 * roleNameFor('hg_', 'grt_k3v9') // 'hg_grt__k3v9'
 */
export function roleNameFor(prefix, grantId) {
    if (grantId === '')
        throw new Error('a grant id is required to name a role');
    // A lone surrogate encodes as U+FFFD, so two such ids would share one role.
    if (Buffer.from(grantId, 'utf8').toString('utf8') !== grantId) {
        throw new Error('a grant id must be well-formed Unicode to name a role');
    }
    const encoded = encodeGrantId(grantId);
    if (prefix.length + encoded.length <= MAX_ROLE_NAME_BYTES)
        return prefix + encoded;
    return prefix + HASHED_MARKER + hashGrantId(grantId);
}
/**
 * The grant id a role name was built from, or null when the name is not one `roleNameFor` makes
 * in its readable form (another prefix, a hashed name, a hand-made look-alike). Exact: a non-null
 * answer `g` always satisfies `roleNameFor(prefix, g) === name`.
 */
export function grantIdFromRoleName(prefix, name) {
    if (!name.startsWith(prefix))
        return null;
    const grantId = decodeGrantId(name.slice(prefix.length));
    if (grantId === null || grantId === '')
        return null;
    return roleNameFor(prefix, grantId) === name ? grantId : null;
}
/** Whether a name has the shape of a hashed role name; who it belongs to lives in state. */
export function isHashedRoleName(prefix, name) {
    if (!name.startsWith(prefix + HASHED_MARKER))
        return false;
    const hash = name.slice(prefix.length + HASHED_MARKER.length);
    return hash.length === HASH_LENGTH && /^[a-z2-7]+$/.test(hash);
}
/** A name this connector could have made: the only roles it will ever drop. */
export function isManagedRoleName(prefix, name) {
    return grantIdFromRoleName(prefix, name) !== null || isHashedRoleName(prefix, name);
}
function encodeGrantId(grantId) {
    let out = '';
    for (const byte of Buffer.from(grantId, 'utf8')) {
        if ((byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)) {
            out += String.fromCharCode(byte);
        }
        else if (byte === 0x5f) {
            out += '__';
        }
        else {
            out += `_${byte.toString(16).padStart(2, '0')}`;
        }
    }
    return out;
}
function decodeGrantId(encoded) {
    const bytes = [];
    for (let i = 0; i < encoded.length; i++) {
        const char = encoded.charAt(i);
        if (/^[a-z0-9]$/.test(char)) {
            bytes.push(char.charCodeAt(0));
        }
        else if (char === '_' && encoded.charAt(i + 1) === '_') {
            bytes.push(0x5f);
            i += 1;
        }
        else if (char === '_' && /^[0-9a-f]{2}$/.test(encoded.slice(i + 1, i + 3))) {
            bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
            i += 2;
        }
        else {
            return null;
        }
    }
    try {
        return utf8.decode(Uint8Array.from(bytes));
    }
    catch {
        return null;
    }
}
function hashGrantId(grantId) {
    const digest = createHash('sha256').update(`hourglass/postgres/role\n${grantId}`).digest();
    let out = '';
    // 5 bits per character from the first 20 bytes: 160 bits, no modulo bias.
    for (let bit = 0; out.length < HASH_LENGTH; bit += 5) {
        const byteIndex = bit >> 3;
        const pair = ((digest[byteIndex] ?? 0) << 8) | (digest[byteIndex + 1] ?? 0);
        out += BASE32.charAt((pair >> (11 - (bit & 7))) & 31);
    }
    return out;
}
