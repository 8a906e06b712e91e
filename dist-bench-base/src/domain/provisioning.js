import { IDENTITY_ID_PATTERN } from './identity.js';
/** Group names as policies see them (`principal in Group::"security"`). */
export const GROUP_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Case-folds and strips accents so look-alike spellings of one name meet in one key (T39). */
function fold(value) {
    return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
}
/**
 * The identity id a SCIM userName maps to: ASCII, lower-case, every run of other characters
 * replaced by `-`. Null when nothing usable is left. Different spellings of one name (case,
 * accents) map to one id, so they collide instead of becoming two people.
 */
export function identityIdFromUserName(userName) {
    const id = fold(userName)
        .replace(/[^a-z0-9._@-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '')
        .slice(0, 128)
        .replace(/[-.]+$/, '');
    return IDENTITY_ID_PATTERN.test(id) ? id : null;
}
/** The group name a SCIM group display name maps to, or null when nothing usable is left. */
export function groupNameFromDisplayName(displayName) {
    const name = fold(displayName)
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '')
        .slice(0, 64)
        .replace(/-+$/, '');
    return GROUP_NAME_PATTERN.test(name) ? name : null;
}
/** The uniqueness key of a userName. */
export function userNameKey(userName) {
    return fold(userName);
}
