import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { globMatches, globsOverlap } from './glob-overlap.js'

describe('Redis glob overlap', () => {
  it.each([
    ['app:*', 'app:*', true],
    ['app:*', 'app:orders:*', true],
    ['*', 'anything', true],
    ['app:1*', 'app:?', true],
    ['orders:[0-9]*', 'orders:*', true],
    ['orders:[0-9]*', 'orders:x*', false],
    ['orders:[^0-9]*', 'orders:1*', false],
    ['orders:[^0-9]*', 'orders:x', true],
    ['session:{eu}:*', 'session:*', true],
    ['session:{eu}:*', 'session:{us}:*', false],
    ['metrics:*', 'orders:*', false],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['a?c', 'ab*', true],
    ['abc', 'ab', false],
    ['*x', 'y*', true],
    ['[z-a]', 'm', true],
    ['x[]', 'x*', false],
  ])('%s and %s overlap: %s', (a, b, expected) => {
    expect(globsOverlap(a, b)).toBe(expected)
    expect(globsOverlap(b, a)).toBe(expected)
  })

  it('matches keys like Redis does', () => {
    expect(globMatches('app:*', 'app:1')).toBe(true)
    expect(globMatches('app:?', 'app:12')).toBe(false)
    expect(globMatches('h[ae]llo', 'hello')).toBe(true)
    expect(globMatches('h[^e]llo', 'hello')).toBe(false)
    expect(globMatches('h\\*llo', 'h*llo')).toBe(true)
  })

  it('agrees with a brute-force search for a common key', () => {
    // `c` stands for every character the patterns do not name.
    const alphabet = ['a', 'b', 'c']
    const token = fc.constantFrom('a', 'b', '?', '*', '[ab]', '[^a]', '[b-b]')
    const pattern = fc.array(token, { maxLength: 3 }).map((t) => t.join(''))
    const keys = (length: number): string[] =>
      length === 0 ? [''] : keys(length - 1).flatMap((k) => alphabet.map((c) => k + c))
    // A shortest common key is never longer than the two patterns' tokens together.
    const candidates = Array.from({ length: 7 }, (_, n) => keys(n)).flat()
    fc.assert(
      fc.property(pattern, pattern, (a, b) => {
        const witness = candidates.some((k) => globMatches(a, k) && globMatches(b, k))
        expect(globsOverlap(a, b)).toBe(witness)
      }),
      { numRuns: 500 },
    )
  })
})
