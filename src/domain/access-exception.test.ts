import { describe, expect, it } from 'vitest'
import {
  applicableExceptions,
  exceptionContext,
  exceptionDrift,
  isExceptionActive,
  scopeToken,
  type AccessException,
} from './access-exception.js'

const NOW = new Date('2026-06-01T00:00:00Z')

function anException(overrides: Partial<AccessException> = {}): AccessException {
  return {
    id: 'exc_1',
    scope: { identityId: 'alice', entitlementId: 'pg-write', policyId: null },
    reason: 'standing pre-approval for the migration',
    approverId: 'olivia',
    createdAt: new Date(NOW.getTime() - 1000),
    expiresAt: new Date(NOW.getTime() + 1000),
    renewedFrom: null,
    renewals: 0,
    uses: 0,
    revokedAt: null,
    revokedBy: null,
    endReason: null,
    version: 1,
    ...overrides,
  }
}

const parties = {
  principalId: 'alice',
  subject: { id: 'alice', ownerId: null },
  entitlementId: 'pg-write',
}

describe('exceptions', () => {
  it('are active until the instant they expire, or until revoked', () => {
    expect(isExceptionActive(anException(), NOW)).toBe(true)
    expect(isExceptionActive(anException({ expiresAt: NOW }), NOW)).toBe(false)
    expect(isExceptionActive(anException({ revokedAt: NOW }), NOW)).toBe(false)
  })

  it.each([
    ['matches its identity and entitlement', {}, parties, true],
    [
      'another identity',
      {},
      { ...parties, subject: { id: 'bob', ownerId: null }, principalId: 'bob' },
      false,
    ],
    ['another entitlement', {}, { ...parties, entitlementId: 'pg-admin' }, false],
    [
      'an open identity matches anyone',
      { scope: { identityId: null, entitlementId: 'pg-write', policyId: null } },
      parties,
      true,
    ],
    ['expired', { expiresAt: NOW }, parties, false],
    ['approved by the principal', { approverId: 'alice' }, parties, false],
    [
      'approved by the subject NHI owner',
      { approverId: 'alice', scope: { identityId: null, entitlementId: null, policyId: 'p' } },
      { principalId: 'carol', subject: { id: 'bot', ownerId: 'alice' }, entitlementId: 'pg-write' },
      false,
    ],
  ] as const)('applicability: %s', (_name, overrides, p, expected) => {
    expect(applicableExceptions([anException(overrides)], p, NOW).length === 1).toBe(expected)
  })

  it('shows policies a scope token and the ids', () => {
    expect(scopeToken({ identityId: 'a', entitlementId: 'e', policyId: null })).toBe(
      'identity+entitlement',
    )
    expect(scopeToken({ identityId: 'a', entitlementId: null, policyId: null })).toBe('identity')
    expect(scopeToken({ identityId: null, entitlementId: 'e', policyId: null })).toBe('entitlement')
    expect(
      scopeToken({ identityId: 'a', entitlementId: 'e', policyId: 'request-nhi-above-low' }),
    ).toBe('policy:request-nhi-above-low')
    expect(exceptionContext([anException(), anException({ id: 'exc_2' })])).toEqual([
      'exc_1',
      'exc_2',
      'identity+entitlement',
    ])
  })

  it('drifts when renewed too often or carrying too large a share', () => {
    const settings = { maxRenewals: 2, maxShare: 0.5, minGrants: 4 }
    expect(exceptionDrift({ renewals: 2 }, null, settings)).toBeNull()
    expect(exceptionDrift({ renewals: 3 }, null, settings)).toMatchObject({
      reason: 'renewed repeatedly',
    })
    expect(exceptionDrift({ renewals: 0 }, { uses: 3, grants: 3 }, settings)).toBeNull()
    expect(exceptionDrift({ renewals: 0 }, { uses: 2, grants: 4 }, settings)).toBeNull()
    expect(exceptionDrift({ renewals: 0 }, { uses: 3, grants: 4 }, settings)).toMatchObject({
      reason: 'carries a large share of the grants',
    })
  })
})
