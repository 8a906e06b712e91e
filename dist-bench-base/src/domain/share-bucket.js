/**
 * Grants are split between live lifecycle nodes by bucket, not one by one: each grant row stores
 * its bucket (a small integer from its id, written at insert), the buckets are dealt to the live
 * nodes by rendezvous hashing (`RevocationShare`), and a node's heap fill asks the database for
 * its own buckets only. Reading every expiry and hashing it in JavaScript made each node pay for
 * the whole window, its partner's half included.
 *
 * The bucket is a function of the id's last four characters that both SQL engines compute with
 * 64-bit integer arithmetic (`shareBucketSql`), so migration 0014 backfills existing rows in one
 * statement. Our ids end in random bits (random and time-ordered ids alike), so four symbols
 * (a million combinations) spread evenly over the buckets. So many buckets because rendezvous
 * deals whole buckets: with 256, one of two nodes could get 56 % of the work.
 */
export const SHARE_BUCKETS = 1_024;
/** An odd constant below 2^31 (MurmurHash2's): the product with a 32-bit value fits in 63 bits. */
const MULTIPLIER = 1_540_483_477;
const TWO_32 = 4_294_967_296;
/** The top 10 of 32 bits are the bucket. */
const TOP_BITS = 4_194_304;
/**
 * The bucket of a grant id. Character codes are UTF-16 units here and code points in SQL: the
 * same for the ASCII ids this product mints. Another id only risks a bucket that differs from
 * the backfill's, which is still a valid bucket (the database selects by the stored one).
 */
export function shareBucketOf(id) {
    const n = id.length;
    const h = codeAt(id, n - 1) + 128 * codeAt(id, n - 2) + 16_384 * codeAt(id, n - 3) + 2_097_152 * codeAt(id, n - 4);
    // imul gives the low 32 bits of the product exactly, as `% 2^32` does in SQL.
    return (Math.imul(h % TWO_32, MULTIPLIER) >>> 0) >>> 22;
}
function codeAt(id, i) {
    return i >= 0 ? id.charCodeAt(i) : 0;
}
/**
 * The same function in SQL over a text column. No overflow: h < 2.4e12 for any code point, and
 * (h mod 2^32) × the multiplier < 2^63.
 */
export function shareBucketSql(engine, column) {
    // A position before the first character reads as code 0 on both engines.
    const code = engine === 'sqlite'
        ? (k) => `coalesce(unicode(substr(${column}, -${String(k)}, 1)), 0)`
        : (k) => `(case when length(${column}) >= ${String(k)} then ascii(substr(${column}, length(${column}) - ${String(k - 1)}, 1))::bigint else 0 end)`;
    const h = `(${code(1)} + 128 * ${code(2)} + 16384 * ${code(3)} + 2097152 * ${code(4)})`;
    return `((((${h} % ${String(TWO_32)}) * ${String(MULTIPLIER)}) % ${String(TWO_32)}) / ${String(TOP_BITS)})`;
}
