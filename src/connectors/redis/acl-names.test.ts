import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { grantIdFromUserName, MAX_USER_NAME_LENGTH, userNameFor } from './acl-names.js'

describe('ACL user names from grant ids', () => {
  it('keeps generated grant ids readable', () => {
    expect(userNameFor('hg_', 'grt_0abc9')).toBe('hg_grt_0abc9')
    expect(grantIdFromUserName('hg_', 'hg_grt_0abc9')).toBe('grt_0abc9')
  })

  it('escapes everything outside [a-z0-9_], so no name can read as a rule', () => {
    expect(userNameFor('hg_', 'grt_A ~* +@all')).toBe(
      'hg_grt_-0041-0020-007e-002a-0020-002b-0040all',
    )
  })

  it('is exactly invertible for any grant id, and names stay allow-listed', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }), (grantId) => {
        const name = userNameFor('hg_', grantId)
        if (name === null) return true
        return /^hg_[a-z0-9_-]+$/.test(name) && grantIdFromUserName('hg_', name) === grantId
      }),
    )
  })

  it('never maps two grant ids to one name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b)
        const [x, y] = [userNameFor('hg_', a), userNameFor('hg_', b)]
        return x === null || y === null || x !== y
      }),
    )
  })

  it.each([
    ['a hand-made user', 'ops_alice'],
    ['another prefix', 'jit_grt_1'],
    ['the bare prefix', 'hg_'],
    ['a non-canonical escape', 'hg_grt_-0061'],
    ['an upper-case escape', 'hg_grt_-004A'],
    ['a short escape', 'hg_grt_-41'],
    ['a character we never write', 'hg_grt.1'],
    ['an upper-case letter', 'hg_Grt_1'],
  ])('finds no grant in %s', (_name, user) => {
    expect(grantIdFromUserName('hg_', user)).toBeNull()
  })

  it('refuses grant ids whose name would be too long, and empty ones', () => {
    expect(userNameFor('hg_', 'g'.repeat(MAX_USER_NAME_LENGTH))).toBeNull()
    expect(userNameFor('hg_', '')).toBeNull()
  })
})
