import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import { Secret } from '../config/secret.js';
import { AppError } from '../domain/errors.js';
const VERSION = 'v1';
const IV_BYTES = 12;
/**
 * A revocation batch seals hundreds of records: IVs come from one CSPRNG fill for 256 of them,
 * not a system call each (that call was half the cost of sealing a record). Each IV is used once.
 */
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivUsed = ivPool.length;
function nextIv() {
    if (ivUsed + IV_BYTES > ivPool.length) {
        randomFillSync(ivPool);
        ivUsed = 0;
    }
    // A copy: the pool is refilled later, and the cipher and the output must keep this IV.
    const iv = Buffer.from(ivPool.subarray(ivUsed, ivUsed + IV_BYTES));
    ivUsed += IV_BYTES;
    return iv;
}
/**
 * AES-256-GCM sealing for values the database must not hold in clear. The format carries a
 * version so the key or algorithm can rotate later: `v1.<iv>.<ciphertext>.<tag>` (base64url).
 */
export class AesSealer {
    #key;
    constructor(key) {
        const raw = Buffer.from(key.reveal(), 'base64');
        if (raw.length !== 32) {
            throw new AppError('config.invalid', 'dataKey must be 32 bytes, base64-encoded');
        }
        this.#key = raw;
    }
    seal(plain) {
        const iv = nextIv();
        const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
        const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
        return [VERSION, iv, body, cipher.getAuthTag()]
            .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
            .join('.');
    }
    open(sealed) {
        const [version, iv, body, tag] = sealed.split('.');
        if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) {
            throw new AppError('internal', 'Sealed value has an unknown format');
        }
        try {
            const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
            decipher.setAuthTag(Buffer.from(tag, 'base64url'));
            const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
            return new Secret(plain.toString('utf8'));
        }
        catch (error) {
            throw new AppError('internal', 'Sealed value failed authentication (wrong key or tampered)', {
                cause: error,
            });
        }
    }
}
export function generateDataKey() {
    return randomBytes(32).toString('base64');
}
