import { randomBytes } from 'node:crypto'
import type { IdSource } from '../domain/ports.js'

// Crockford base32, lower-case: 32 symbols, so `byte & 31` carries no modulo bias.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

const ID_BYTES = 22
/**
 * Ids are drawn from a pool refilled 4 KiB at a time: one call into the CSPRNG per id showed up
 * in revocation batches, which mint two event ids per grant. Ids are not secrets (tokens and keys
 * use `randomBytes` below, never the pool), and each byte is used once.
 */
const POOL_BYTES = 4_096
let pool = Buffer.alloc(0)
let used = 0

/** Ids like `req_k3v9…`: lower-case, no look-alike letters, 110 bits of randomness. */
export const randomIdSource: IdSource = {
  newId(prefix: string): string {
    if (used + ID_BYTES > pool.length) {
      pool = randomBytes(POOL_BYTES)
      used = 0
    }
    let out = ''
    for (let i = used; i < used + ID_BYTES; i++) out += ALPHABET.charAt((pool[i] ?? 0) & 31)
    used += ID_BYTES
    return `${prefix}_${out}`
  },
  randomBytes(size: number): Uint8Array {
    return randomBytes(size)
  },
}
