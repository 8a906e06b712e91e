import { randomBytes } from 'node:crypto'
import type { IdSource } from '../domain/ports.js'

// Crockford base32, lower-case: 32 symbols, so `byte & 31` carries no modulo bias.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** Ids like `req_k3v9…`: lower-case, no look-alike letters, 110 bits of randomness. */
export const randomIdSource: IdSource = {
  newId(prefix: string): string {
    const bytes = randomBytes(22)
    let out = ''
    for (const b of bytes) out += ALPHABET.charAt(b & 31)
    return `${prefix}_${out}`
  },
  randomBytes(size: number): Uint8Array {
    return randomBytes(size)
  },
}
