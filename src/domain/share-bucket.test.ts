import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { timeOrderedIdSource } from '../security/time-ordered-id-source.js'
import { randomIdSource } from '../security/random-id-source.js'
import { SHARE_BUCKETS, shareBucketOf, shareBucketSql } from './share-bucket.js'

/** Grants per bucket, and the fullest and emptiest bucket against a fair split. */
function spread(ids: readonly string[]): { min: number; max: number } {
  const counts = new Array<number>(SHARE_BUCKETS).fill(0)
  for (const id of ids) counts[shareBucketOf(id)]! += 1
  const fair = ids.length / SHARE_BUCKETS
  return { min: Math.min(...counts) / fair, max: Math.max(...counts) / fair }
}

describe('shareBucketOf', () => {
  it('is a bucket in range for any id, short and non-ASCII ones included', () => {
    for (const id of ['', 'a', 'ab', 'abc', 'grt_01jh8x', 'é', '日本語のid', '\u{1F600}x', randomUUID()]) {
      const b = shareBucketOf(id)
      expect(Number.isInteger(b), id).toBe(true)
      expect(b).toBeGreaterThanOrEqual(0)
      expect(b).toBeLessThan(SHARE_BUCKETS)
      expect(shareBucketOf(id)).toBe(b)
    }
  })

  it('spreads the ids this product mints, random and time-ordered, over every bucket', () => {
    const random = Array.from({ length: 200_000 }, () => randomIdSource.newId('grt'))
    let ms = Date.UTC(2026, 10, 24)
    // Many ids per millisecond, as a mass issuance mints them: only the last symbols differ.
    const timeOrdered = timeOrderedIdSource({ now: () => new Date(Math.floor(ms++ / 50)) })
    const ordered = Array.from({ length: 200_000 }, () => timeOrdered.newId('grt'))
    for (const ids of [random, ordered]) {
      const { min, max } = spread(ids)
      // About 195 ids a bucket (σ ≈ 14): within 5σ, and never an empty bucket.
      expect(min).toBeGreaterThan(0.64)
      expect(max).toBeLessThan(1.36)
    }
  })

  it('depends on the last four characters only, so SQL can compute it', () => {
    expect(shareBucketOf('grt_aaaawxyz')).toBe(shareBucketOf('zzz_bwxyz'))
    const sql = shareBucketSql('sqlite', 'id')
    expect(sql).toContain('substr(id, -4, 1)')
    expect(shareBucketSql('postgres', 'id')).toContain('ascii(')
  })
})
