import { createHash } from 'node:crypto';
import { Secret } from '../../config/secret.js';
import { AppError } from '../../domain/errors.js';
/**
 * Every API token starts with this, so secret scanners (GitHub push protection, gitleaks) can be
 * taught one pattern and find leaked Hourglass tokens anywhere.
 */
export const API_TOKEN_PREFIX = 'hgt_';
const LOOKUP_ID_BYTES = 6;
const SECRET_BYTES = 32;
/**
 * `hgt_` + 12 lower-case hex characters + `_` + 43 base64url characters (32 bytes). The lookup id
 * has no `_`, so the separator stays unambiguous even though base64url may contain `_`.
 */
const API_TOKEN_PATTERN = /^hgt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;
/**
 * Mints a new API token from the given random source.
 *
 * @example
 * const { token, tokenHash, prefix } = generateApiToken((n) => ids.randomBytes(n))
 */
export function generateApiToken(randomBytes) {
    const lookupId = Buffer.from(exactBytes(randomBytes, LOOKUP_ID_BYTES)).toString('hex');
    const secret = Buffer.from(exactBytes(randomBytes, SECRET_BYTES)).toString('base64url');
    const prefix = `${API_TOKEN_PREFIX}${lookupId}`;
    const token = `${prefix}_${secret}`;
    return { token: new Secret(token), tokenHash: hashApiToken(token), prefix };
}
/**
 * sha256 hex of the whole token. The token carries 256 random bits, so a slow password hash would
 * add nothing but latency on every request; an unsalted fast hash also lets us look it up directly.
 */
export function hashApiToken(token) {
    return createHash('sha256').update(token, 'utf8').digest('hex');
}
export function looksLikeApiToken(value) {
    return API_TOKEN_PATTERN.test(value);
}
function exactBytes(randomBytes, size) {
    const bytes = randomBytes(size);
    // A short read from a faulty source would silently weaken every token it mints.
    if (bytes.length !== size) {
        throw new AppError('internal', `random source returned ${bytes.length} bytes, expected ${size}`);
    }
    return bytes;
}
