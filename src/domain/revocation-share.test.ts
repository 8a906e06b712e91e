import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { RevocationShare } from './revocation-share.js'
import { SHARE_BUCKETS, shareBucketOf } from './share-bucket.js'

/** UUID-shaped ids as random as randomUUID's but the same every run: a split is judged on fixed data. */
function uuidLike(i: number): string {
  const h = createHash('sha256').update(`grant ${String(i)}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const grants = Array.from({ length: 20_000 }, (_, i) => (i % 2 === 0 ? `grt_${uuidLike(i)}` : `grt_${i.toString(36)}`))

function owners(share: RevocationShare): Map<string, string> {
  return new Map(grants.map((g) => [g, share.ownerOf(g)]))
}

describe('RevocationShare', () => {
  it('alone, a node owns every grant', () => {
    const share = new RevocationShare('node-a', [])
    expect(share.alone).toBe(true)
    expect(grants.every((g) => share.owns(g))).toBe(true)
    // Its own id in the live set changes nothing.
    expect(new RevocationShare('node-a', ['node-a']).alone).toBe(true)
  })

  it('every node computes the same owner, whatever order it read the live set in', () => {
    const a = new RevocationShare('node-a', ['node-c', 'node-b'])
    const b = new RevocationShare('node-b', ['node-a', 'node-c'])
    const c = new RevocationShare('node-c', ['node-b', 'node-a', 'node-c'])
    expect(a.nodes).toEqual(['node-a', 'node-b', 'node-c'])
    expect(owners(a)).toEqual(owners(b))
    expect(owners(b)).toEqual(owners(c))
    // Each grant is owned by exactly one of them.
    for (const g of grants) expect([a, b, c].filter((s) => s.owns(g))).toHaveLength(1)
  })

  it('splits grants about evenly, for real worker ids too', () => {
    // Whole buckets (1,024) are dealt, so a node's share is off by a few buckets' worth: within
    // 3 % of fair for two nodes, 12 % for four (per-grant hashing was within 5 % for both).
    for (const [nodes, tolerance] of [
      [['node-a', 'node-b'], 0.03],
      [['host-1:4242:a1b2c3', 'host-1:4243:d4e5f6'], 0.03],
      [['w1', 'w2', 'w3', 'w4'], 0.12],
    ] as const) {
      const share = new RevocationShare(nodes[0], nodes)
      const counts = new Map<string, number>()
      for (const g of grants) counts.set(share.ownerOf(g), (counts.get(share.ownerOf(g)) ?? 0) + 1)
      const fair = grants.length / nodes.length
      expect([...counts.keys()].sort()).toEqual([...nodes].sort())
      for (const n of counts.values()) expect(Math.abs(n - fair) / fair).toBeLessThan(tolerance)
    }
  })

  it('when a node leaves, only its grants change owner', () => {
    const before = owners(new RevocationShare('node-a', ['node-b', 'node-c']))
    const after = owners(new RevocationShare('node-a', ['node-c']))
    let moved = 0
    for (const g of grants) {
      if (before.get(g) === 'node-b') {
        expect(['node-a', 'node-c']).toContain(after.get(g))
        moved++
      } else {
        expect(after.get(g)).toBe(before.get(g))
      }
    }
    // The dead node's share goes to both survivors, not all to one.
    const toA = grants.filter((g) => before.get(g) === 'node-b' && after.get(g) === 'node-a').length
    expect(toA / moved).toBeGreaterThan(0.4)
    expect(toA / moved).toBeLessThan(0.6)
  })

  it('deals buckets: a node owns exactly the grants of its buckets, and the nodes’ buckets partition them all', () => {
    const nodes = ['node-a', 'node-b', 'node-c']
    const shares = nodes.map((n) => new RevocationShare(n, nodes))
    const all = shares.flatMap((s) => s.buckets).sort((x, y) => x - y)
    expect(all).toEqual(Array.from({ length: SHARE_BUCKETS }, (_, b) => b))
    for (const share of shares) {
      const mine = new Set(share.buckets)
      for (const g of grants.slice(0, 2_000)) expect(share.owns(g)).toBe(mine.has(shareBucketOf(g)))
    }
    expect(new RevocationShare('node-a', []).buckets).toHaveLength(SHARE_BUCKETS)
  })

  it('when a node joins, grants move only to it', () => {
    const before = owners(new RevocationShare('node-a', ['node-b']))
    const after = owners(new RevocationShare('node-a', ['node-b', 'node-c']))
    for (const g of grants) if (after.get(g) !== 'node-c') expect(after.get(g)).toBe(before.get(g))
  })
})
