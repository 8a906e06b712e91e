import { describe, expect, it } from 'vitest'
import { chunkSizes, MAX_ROWS_PER_INSERT } from './multi-row-insert.js'

describe('chunkSizes', () => {
  it('covers every row once, in statements of at most MAX_ROWS_PER_INSERT', () => {
    for (let n = 0; n <= 2_100; n++) {
      const sizes = chunkSizes(n)
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n)
      expect(sizes.every((s) => s >= 1 && s <= MAX_ROWS_PER_INSERT)).toBe(true)
    }
  })

  it('writes a transaction’s few events in one statement and a revocation batch in full ones', () => {
    expect(chunkSizes(5)).toEqual([5])
    expect(chunkSizes(64)).toEqual([64])
    expect(chunkSizes(1_000)).toEqual([500, 500])
    expect(chunkSizes(499)).toEqual([256, 128, 64, 51])
  })

  it('keeps the compiled shapes bounded however batch sizes vary', () => {
    const shapes = new Set(Array.from({ length: 5_000 }, (_, n) => chunkSizes(n)).flat())
    expect(shapes.size).toBeLessThanOrEqual(70)
  })
})
