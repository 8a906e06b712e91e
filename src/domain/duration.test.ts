import { describe, expect, it } from 'vitest'
import { AppError } from './errors.js'
import { parseDuration } from './duration.js'

describe('durations', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['8h', 28_800],
    ['2d', 172_800],
    ['PT1H30M', 5400],
    ['P1D', 86_400],
    ['3600', 3600],
    [600, 600],
  ])('parses %s', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds)
  })

  it.each(['-1', '0', '1e12', 'P9999Y', 'P9999D', 'PT', 'P', '1.5h', '', 'abc', '10 m', '\u0000'])(
    'rejects %j',
    (input) => {
      expect(() => parseDuration(input)).toThrow(AppError)
    },
  )

  it.each([-1, 0, 1.5, Number.NaN, Infinity, 1e12])('rejects the number %s', (n) => {
    expect(() => parseDuration(n)).toThrow(AppError)
  })
})
