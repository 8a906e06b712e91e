import { describe, expect, it } from 'vitest'
import {
  assertBreakGlassInput,
  assertPostUseReviewer,
  capBreakGlassDuration,
  postUseReviewState,
} from './break-glass.js'
import type { Identity } from './identity.js'

const REASON = 'Checkout is down for every customer since 09:12'

function person(id: string, groups: string[] = [], overrides: Partial<Identity> = {}): Identity {
  const t = new Date(0)
  return {
    id,
    kind: 'human',
    displayName: id,
    email: null,
    status: 'active',
    groups,
    ownerId: null,
    purpose: null,
    oidcIssuer: null,
    oidcSubject: null,
    createdAt: t,
    updatedAt: t,
    version: 1,
    ...overrides,
  }
}

function review(reviewer: Identity): void {
  assertPostUseReviewer(
    { userId: 'bob' },
    reviewer,
    { ownerId: null },
    { owners: ['olivia'] },
    'security',
  )
}

describe('break-glass', () => {
  it.each([
    [undefined, 'breakglass.incident_required'],
    ['', 'breakglass.incident_required'],
    ['INC 1', 'breakglass.incident_required'],
    ['INC-1\nforged', 'breakglass.incident_required'],
  ])('refuses incident %j', (incidentRef, code) => {
    expect(() => assertBreakGlassInput({ incidentRef, reason: REASON })).toThrow(
      expect.objectContaining({ code }),
    )
  })

  it('needs a 20-character reason and returns the trimmed incident', () => {
    expect(() =>
      assertBreakGlassInput({ incidentRef: 'INC-1', reason: '   too short      ' }),
    ).toThrow(expect.objectContaining({ code: 'breakglass.reason_required' }))
    expect(assertBreakGlassInput({ incidentRef: ' INC-1 ', reason: REASON })).toBe('INC-1')
  })

  it('clamps the duration to the shorter of the policy and the catalog', () => {
    expect(capBreakGlassDuration(undefined, 8 * 3600, 3600)).toBe(3600)
    expect(capBreakGlassDuration(4 * 3600, 8 * 3600, 3600)).toBe(3600)
    expect(capBreakGlassDuration(600, 8 * 3600, 3600)).toBe(600)
    expect(capBreakGlassDuration(undefined, 1800, null)).toBe(1800)
  })

  it('is overdue from the deadline on, until reviewed', () => {
    const dueAt = new Date(1000)
    expect(postUseReviewState({ reviewedAt: null, dueAt }, new Date(999))).toBe('pending')
    expect(postUseReviewState({ reviewedAt: null, dueAt }, new Date(1000))).toBe('overdue')
    expect(postUseReviewState({ reviewedAt: new Date(5000), dueAt }, new Date(9000))).toBe('done')
  })

  it.each([
    ['the user', person('bob', ['security']), 'review.self_review_forbidden'],
    ['an NHI', person('bot', ['security'], { kind: 'workload' }), 'review.reviewer_not_human'],
    [
      'a suspended member of security',
      person('sam', ['security'], { status: 'suspended' }),
      'identity.inactive',
    ],
    ['someone unaccountable', person('alice', ['engineering']), 'review.not_eligible'],
  ])('refuses %s as post-use reviewer', (_name, reviewer, code) => {
    expect(() => {
      review(reviewer)
    }).toThrow(expect.objectContaining({ code }))
  })

  it('accepts an owner or a member of security', () => {
    expect(() => {
      review(person('olivia'))
    }).not.toThrow()
    expect(() => {
      review(person('sam', ['security']))
    }).not.toThrow()
  })
})
