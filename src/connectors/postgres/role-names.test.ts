import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ROLE_PREFIX_PATTERN } from './config.js'
import {
  grantIdFromRoleName,
  isHashedRoleName,
  isManagedRoleName,
  roleNameFor,
} from './role-names.js'

const prefixes = fc.stringMatching(ROLE_PREFIX_PATTERN).filter((p) => !p.startsWith('pg_'))
/** Realistic ids, ids full of punctuation and multi-byte text, and ids too long to encode. */
const grantIds = fc.oneof(
  fc.stringMatching(/^grt_[0-9a-hjkmnp-tv-z]{22}$/),
  fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
  fc.string({ minLength: 1, maxLength: 200 }),
)

describe('role names derived from grant ids', () => {
  it('reads back a realistic grant id', () => {
    expect(roleNameFor('hg_', 'grt_k3v9')).toBe('hg_grt__k3v9')
    expect(grantIdFromRoleName('hg_', 'hg_grt__k3v9')).toBe('grt_k3v9')
    expect(roleNameFor('hg_', 'x"; DROP')).toBe('hg_x_22_3b_20_44_52_4f_50')
  })

  it('always yields a short lower-case identifier, the same one for the same grant', () => {
    fc.assert(
      fc.property(prefixes, grantIds, (prefix, grantId) => {
        const name = roleNameFor(prefix, grantId)
        expect(name).toMatch(/^[a-z0-9_]+$/)
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63)
        expect(name.startsWith(prefix)).toBe(true)
        expect(roleNameFor(prefix, grantId)).toBe(name)
      }),
      { numRuns: 2000 },
    )
  })

  it('inverts exactly, or says the name is hashed', () => {
    fc.assert(
      fc.property(prefixes, grantIds, (prefix, grantId) => {
        const name = roleNameFor(prefix, grantId)
        const back = grantIdFromRoleName(prefix, name)
        if (back === null) expect(isHashedRoleName(prefix, name)).toBe(true)
        else expect(back).toBe(grantId)
        expect(isManagedRoleName(prefix, name)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('gives different grants different roles', () => {
    fc.assert(
      fc.property(prefixes, grantIds, grantIds, (prefix, a, b) => {
        fc.pre(a !== b)
        expect(roleNameFor(prefix, a)).not.toBe(roleNameFor(prefix, b))
      }),
      { numRuns: 2000 },
    )
  })

  it('never reads a grant id out of a name the builder would not make', () => {
    fc.assert(
      fc.property(prefixes, fc.stringMatching(/^[a-z0-9_]{0,60}$/), (prefix, tail) => {
        const name = prefix + tail
        const grantId = grantIdFromRoleName(prefix, name)
        if (grantId !== null) expect(roleNameFor(prefix, grantId)).toBe(name)
      }),
      { numRuns: 5000 },
    )
  })

  it.each([
    ['another prefix', 'xx_grt__1'],
    ['a dangling escape', 'hg_grt_'],
    ['a non-hex escape', 'hg_grt_zz'],
    ['a non-canonical escape of a plain letter', 'hg__61'],
    ['invalid UTF-8', 'hg__ff'],
    ['the bare prefix', 'hg_'],
    ['a hand-made look-alike hash', 'hg__zabc'],
  ])('reads no grant id from %s', (_name, role) => {
    expect(grantIdFromRoleName('hg_', role)).toBeNull()
  })

  it('hashes ids too long to encode and refuses ones it cannot name exactly', () => {
    const name = roleNameFor('hg_', 'g'.repeat(61))
    expect(isHashedRoleName('hg_', name)).toBe(true)
    expect(grantIdFromRoleName('hg_', name)).toBeNull()
    expect(() => roleNameFor('hg_', '')).toThrow()
    expect(() => roleNameFor('hg_', 'grt_\ud800')).toThrow()
  })
})
