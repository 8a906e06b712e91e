import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
const derive = promisify(pbkdf2);
/** PostgreSQL's own default (`scram_iterations`); logins cost what they cost for any role. */
export const SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 16;
const PASSWORD_BYTES = 32;
/** 256 random bits, base64url: no character needs escaping in a URI, a conninfo or a shell. */
export function generatePassword() {
    return randomBytes(PASSWORD_BYTES).toString('base64url');
}
/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802, RFC 7677), computed
 * here so that `CREATE ROLE … PASSWORD` carries only the verifier: the clear password never
 * reaches the server, its statement log or pg_stat_statements (T14). PostgreSQL recognises the
 * format and stores it as is. `salt` is for test vectors; leave it out.
 *
 * @example
 * await scramVerifier('pencil') // 'SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>'
 */
export async function scramVerifier(password, options = {}) {
    // Our passwords are ASCII, for which SASLprep is the identity; refuse anything it would change.
    if (!/^[\x21-\x7e]+$/.test(password))
        throw new Error('password must be printable ASCII');
    const salt = options.salt ?? randomBytes(SALT_BYTES);
    const iterations = options.iterations ?? SCRAM_ITERATIONS;
    const salted = await derive(password, salt, iterations, 32, 'sha256');
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    const storedKey = createHash('sha256').update(clientKey).digest();
    const serverKey = createHmac('sha256', salted).update('Server Key').digest();
    const b64 = (bytes) => bytes.toString('base64');
    return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}
/** Matches any verifier, so error text can be scrubbed of one before it leaves the connector. */
export const VERIFIER_PATTERN = /SCRAM-SHA-256\$[A-Za-z0-9+/=:$]*/g;
