import { describe, expect, it } from 'vitest'
import { timeOrderedIdSource } from './time-ordered-id-source.js'

const ID = /^evt_[0-9a-hjkmnp-tv-z]{22}$/
const T0 = Date.parse('2026-11-24T06:00:00.000Z')

function clockAt(ms: number): { now(): Date; set(ms: number): void } {
  let t = ms
  return { now: () => new Date(t), set: (next) => (t = next) }
}

/** Deterministic bytes, so a failure reproduces. */
function seeded(seed: number): (size: number) => Uint8Array {
  let s = seed
  return (size) => {
    const out = new Uint8Array(size)
    for (let i = 0; i < size; i++) {
      s = (s * 1103515245 + 12345) >>> 0
      out[i] = s >>> 24
    }
    return out
  }
}

function strictlyIncreasing(ids: readonly string[]): boolean {
  return ids.every((id, i) => i === 0 || (ids[i - 1] ?? '') < id)
}

describe('time-ordered ids', () => {
  it('keep the shape of every other id: prefix, underscore, 22 lower-case base32 symbols', () => {
    const ids = timeOrderedIdSource(clockAt(T0), seeded(1))
    for (let i = 0; i < 100; i++) expect(ids.newId('evt')).toMatch(ID)
  })

  it('are strictly increasing within one millisecond (a clock that stands still)', () => {
    const ids = timeOrderedIdSource(clockAt(T0), seeded(2))
    const made = Array.from({ length: 20_000 }, () => ids.newId('evt'))
    expect(strictlyIncreasing(made)).toBe(true)
    // All carry the same millisecond: the first 10 symbols after the prefix.
    expect(new Set(made.map((id) => id.slice(4, 14))).size).toBe(1)
  })

  it('sort as text in the order of their clock time, whatever the random part', () => {
    const clock = clockAt(T0)
    const ids = timeOrderedIdSource(clock, seeded(3))
    const made: string[] = []
    for (let i = 0; i < 2_000; i++) {
      clock.set(T0 + i * 7)
      made.push(ids.newId('evt'))
    }
    expect([...made].sort()).toEqual(made)
    // Another process with other random bytes, a millisecond later, sorts after all of them.
    const later = timeOrderedIdSource(clockAt(T0 + 2_000 * 7), seeded(4)).newId('evt')
    expect(later > (made.at(-1) ?? '')).toBe(true)
  })

  it('stay unique and increasing under a burst, also when the clock steps back', () => {
    const clock = clockAt(T0)
    const ids = timeOrderedIdSource(clock)
    const made: string[] = []
    for (let i = 0; i < 100_000; i++) {
      // Mostly the same millisecond, now and then a step forward or back (an NTP correction).
      if (i % 1_000 === 0) clock.set(T0 + (i % 3_000 === 0 ? -5 : 3) + Math.floor(i / 1_000))
      made.push(ids.newId('evt'))
    }
    expect(new Set(made).size).toBe(made.length)
    expect(strictlyIncreasing(made)).toBe(true)
  })

  it('differ between two sources in the same millisecond (60 random bits each)', () => {
    const a = timeOrderedIdSource(clockAt(T0), seeded(5)).newId('grt')
    const b = timeOrderedIdSource(clockAt(T0), seeded(6)).newId('grt')
    expect(a.slice(0, 14)).toBe(b.slice(0, 14))
    expect(a).not.toBe(b)
  })

  it('are the same for the same clock and random bytes (tests fake both)', () => {
    const make = () => {
      const ids = timeOrderedIdSource(clockAt(T0), seeded(7))
      return Array.from({ length: 5 }, () => ids.newId('req'))
    }
    expect(make()).toEqual(make())
  })
})
