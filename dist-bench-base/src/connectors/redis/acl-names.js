/**
 * ACL user names derived from grant ids. The encoding is injective and exactly invertible, so
 * reconciliation can tell which grant a user on the server belongs to, and no grant id (whatever
 * its characters) can produce a name that reads as an ACL rule or collides with another grant's.
 *
 * Characters [a-z0-9_] stand for themselves; anything else becomes `-` and four hex digits of its
 * UTF-16 code unit (`grt_A` → `grt_-0041`).
 */
/** Long enough for any generated grant id; keeps names readable in `ACL LIST`. */
export const MAX_USER_NAME_LENGTH = 128;
const PLAIN = /[a-z0-9_]/;
const ENCODED = /^(?:[a-z0-9_]|-[0-9a-f]{4})+$/;
/** The user name for a grant, or null when the encoded name would be too long. */
export function userNameFor(prefix, grantId) {
    if (grantId === '')
        return null;
    let encoded = '';
    for (let i = 0; i < grantId.length; i++) {
        const char = grantId.charAt(i);
        encoded += PLAIN.test(char) ? char : `-${grantId.charCodeAt(i).toString(16).padStart(4, '0')}`;
    }
    const name = `${prefix}${encoded}`;
    return name.length <= MAX_USER_NAME_LENGTH ? name : null;
}
/**
 * The grant id a user name was derived from, or null when the name is not one this prefix and
 * encoding could have produced (hand-made users, other prefixes, non-canonical escapes).
 */
export function grantIdFromUserName(prefix, name) {
    if (!name.startsWith(prefix))
        return null;
    const encoded = name.slice(prefix.length);
    if (!ENCODED.test(encoded))
        return null;
    const grantId = encoded.replace(/-([0-9a-f]{4})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    // `-0061` decodes to `a`, which we would have written plainly: not a name we made.
    return userNameFor(prefix, grantId) === name ? grantId : null;
}
