import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../domain/errors.js';
/**
 * Checks a scraper's `Authorization: Bearer …` against the configured metrics token. The token
 * is a shared secret, not an identity: it opens `/metrics` and nothing else. Digests are
 * compared so the comparison takes the same time whatever the lengths.
 */
export function checkMetricsToken(expected, authorization) {
    if (expected === undefined)
        return;
    const presented = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (presented === undefined)
        throw new AppError('auth.missing', '/metrics needs Authorization: Bearer <metrics token>');
    if (!timingSafeEqual(digest(presented), digest(expected.reveal()))) {
        throw new AppError('auth.invalid_token', 'The metrics token is not valid');
    }
}
function digest(value) {
    return createHash('sha256').update(value).digest();
}
