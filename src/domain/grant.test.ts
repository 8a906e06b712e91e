import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoffMs, canTransitionGrant, GRANT_STATES, targetNameFor } from './grant.js'
import { canTransitionRequest, REQUEST_STATES } from './access-request.js'

describe('grant lifecycle', () => {
  it('never leaves revoked', () => {
    for (const to of GRANT_STATES) expect(canTransitionGrant('revoked', to)).toBe(false)
  })
  it('reaches active only through issuing', () => {
    for (const from of GRANT_STATES) {
      expect(canTransitionGrant(from, 'active')).toBe(from === 'issuing')
    }
  })
  it('reaches revoked from every state that may be revoked, never from issuing or issue_failed', () => {
    for (const from of GRANT_STATES) {
      expect(canTransitionGrant(from, 'revoked')).toBe(!['issuing', 'issue_failed', 'revoked'].includes(from))
    }
  })
  it('makes irrevocable only from a revocation attempt (the last one failed)', () => {
    for (const from of GRANT_STATES) {
      expect(canTransitionGrant(from, 'irrevocable')).toBe(from === 'revoking')
    }
  })
})

describe('request lifecycle', () => {
  it('moves only out of pending, and only once', () => {
    for (const from of REQUEST_STATES) {
      for (const to of REQUEST_STATES) {
        expect(canTransitionRequest(from, to)).toBe(from === 'pending' && to !== 'pending')
      }
    }
  })
})

describe('backoff', () => {
  it('stays within [ceiling/2, ceiling] and under the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const ms = backoffMs(attempt, 1000, 60_000, r)
        const ceiling = Math.min(60_000, 1000 * 2 ** (attempt - 1))
        return ms >= Math.floor(ceiling / 2) && ms <= ceiling
      }),
    )
  })
})

describe('target names', () => {
  it('are derived from the grant id, allow-listed and within 63 bytes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (id) => {
        const name = targetNameFor(id)
        return /^hg_[a-z0-9_]*$/.test(name) && Buffer.byteLength(name) <= 63
      }),
    )
  })
  it('keeps generated ids readable', () => {
    expect(targetNameFor('grt_0abc9')).toBe('hg_grt_0abc9')
  })
})
