import { randomBytes as cryptoRandomBytes } from 'node:crypto';
// Crockford base32, lower-case, in ASCII order: ids sort as text in the order they were made.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** 10 symbols = 50 bits of milliseconds since 1970: enough until the year 37,000. */
const TIME_CHARS = 10;
/** Two halves of 30 bits (6 symbols each): 60 bits after the time. */
const HALF = 2 ** 30;
/** Bytes per id drawn from the pool: 4 + 4 for a fresh millisecond's start, 2 for a step. */
const DRAW = 10;
const POOL_IDS = 256;
/**
 * Ids like `evt_01jh8x…` whose text sorts by creation time (ULID-like, in the same 22 symbols
 * as before): rows appended in bulk (audit events, a batch's records, grants created together)
 * land at the right edge of their B-tree indexes instead of dirtying a random leaf each. Within
 * one millisecond each id is the previous one plus a random step, so ids stay strictly increasing
 * per process even when the clock stands still or steps back (a FakeClock, an NTP correction).
 *
 * What this gives away: an id says when it was made (the API shows createdAt anyway) and, within
 * the same millisecond, lies a random distance up to 2^16 after the previous one. Ids are not
 * secrets and authorise nothing (tokens and keys come from `randomBytes`), so that is fine; a
 * fresh millisecond still starts at 60 random bits.
 *
 * `clock` and `random` are injected so tests can fix both.
 */
export function timeOrderedIdSource(clock, random = cryptoRandomBytes) {
    let pool = new Uint8Array(0);
    let used = 0;
    const draw = () => {
        if (used + DRAW > pool.length) {
            pool = random(DRAW * POOL_IDS);
            used = 0;
        }
        const bytes = pool.subarray(used, used + DRAW);
        used += DRAW;
        return bytes;
    };
    let lastMs = -1;
    let hi = 0;
    let lo = 0;
    let lastTime = '';
    return {
        newId(prefix) {
            const bytes = draw();
            const ms = clock.now().getTime();
            if (ms > lastMs) {
                lastMs = ms;
                hi = uint30(bytes, 0);
                lo = uint30(bytes, 4);
                lastTime = encode(ms, TIME_CHARS);
            }
            else {
                lo += 1 + ((bytes[8] ?? 0) | ((bytes[9] ?? 0) << 8));
                if (lo >= HALF) {
                    lo -= HALF;
                    hi += 1;
                }
                if (hi >= HALF) {
                    // 60 bits used up in one millisecond (never in practice): borrow the next one.
                    lastMs += 1;
                    hi = 0;
                    lo = 0;
                    lastTime = encode(lastMs, TIME_CHARS);
                }
            }
            return `${prefix}_${lastTime}${encode(hi, 6)}${encode(lo, 6)}`;
        },
        randomBytes(size) {
            return random(size);
        },
    };
}
function uint30(bytes, at) {
    return (((bytes[at] ?? 0) << 22) | ((bytes[at + 1] ?? 0) << 14) | ((bytes[at + 2] ?? 0) << 6) | ((bytes[at + 3] ?? 0) >> 2)) >>> 0;
}
/** `value` (a non-negative integer below 32^chars) in `chars` base32 symbols, most significant first. */
function encode(value, chars) {
    let out = '';
    for (let i = 0; i < chars; i++) {
        out = ALPHABET.charAt(value % 32) + out;
        value = Math.floor(value / 32);
    }
    return out;
}
