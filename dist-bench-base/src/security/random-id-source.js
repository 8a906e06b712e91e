import { randomBytes, randomFillSync } from 'node:crypto';
// Crockford base32, lower-case: 32 symbols, so `byte & 31` carries no modulo bias.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_BYTES = 22;
// A request makes about ten ids (request, grant, audit events): one system call for hundreds of
// them rather than one each. Ids are not secrets; tokens and keys use randomBytes directly.
const pool = Buffer.alloc(ID_BYTES * 256);
let used = pool.length;
/** Ids like `req_k3v9…`: lower-case, no look-alike letters, 110 bits of randomness. */
export const randomIdSource = {
    newId(prefix) {
        if (used + ID_BYTES > pool.length) {
            randomFillSync(pool);
            used = 0;
        }
        let out = '';
        for (let i = used; i < used + ID_BYTES; i++)
            out += ALPHABET.charAt((pool[i] ?? 0) & 31);
        used += ID_BYTES;
        return `${prefix}_${out}`;
    },
    randomBytes(size) {
        return randomBytes(size);
    },
};
