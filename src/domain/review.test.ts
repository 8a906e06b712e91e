import { describe, expect, it } from 'vitest'
import { AppError } from './errors.js'
import type { Identity } from './identity.js'
import { NO_OBLIGATIONS, type Obligations } from './obligations.js'
import { assertSeparationOfDuties, tallyReviews, type Review } from './review.js'

const person = (id: string, over: Partial<Identity> = {}): Identity => ({
  id,
  kind: 'human',
  displayName: id,
  email: null,
  status: 'active',
  groups: [],
  ownerId: null,
  purpose: null,
  oidcIssuer: null,
  oidcSubject: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  version: 1,
  ...over,
})

const review = (reviewerId: string, verdict: 'approve' | 'deny', over: Partial<Review> = {}): Review => ({
  id: `rev_${reviewerId}_${verdict}`,
  requestId: 'req_1',
  reviewerId,
  verdict,
  comment: '',
  requestDigest: 'd',
  reviewerIsOwner: false,
  reviewerGroups: [],
  policyHash: 'h',
  createdAt: new Date(0),
  ...over,
})

const needs = (o: Partial<Obligations>) => ({ obligations: { ...NO_OBLIGATIONS, ...o } })

function codeOf(fn: () => void): string | null {
  try {
    fn()
    return null
  } catch (e) {
    return e instanceof AppError ? e.code : 'not-an-app-error'
  }
}

describe('separation of duties', () => {
  const request = { requesterId: 'alice', subjectId: 'ci-bot' }
  const subject = { id: 'ci-bot', ownerId: 'alice' }
  it.each([
    ['the requester', person('alice'), 'review.self_review_forbidden'],
    ['the subject', person('ci-bot'), 'review.subject_review_forbidden'],
    ['an NHI', person('robot', { kind: 'workload', ownerId: 'olivia' }), 'review.reviewer_not_human'],
    ['a suspended person', person('olivia', { status: 'suspended' }), 'identity.inactive'],
  ])('refuses %s', (_name, reviewer, code) => {
    expect(codeOf(() => { assertSeparationOfDuties(request, reviewer, subject) })).toBe(code)
  })

  it('refuses the owner of the NHI subject even when someone else requested', () => {
    const r = { requesterId: 'bob', subjectId: 'ci-bot' }
    expect(codeOf(() => { assertSeparationOfDuties(r, person('alice'), subject) })).toBe(
      'review.owned_nhi_review_forbidden',
    )
  })

  it('accepts an unrelated active person', () => {
    expect(codeOf(() => { assertSeparationOfDuties(request, person('olivia'), subject) })).toBeNull()
  })
})

describe('tallying reviews', () => {
  it('auto-approves with no obligations', () => {
    expect(tallyReviews(needs({}), []).outcome).toBe('approved')
  })

  it('lets one deny win over any number of approvals', () => {
    const t = tallyReviews(needs({ approvals: 1 }), [review('a', 'approve'), review('b', 'approve'), review('c', 'deny')])
    expect(t).toEqual({ outcome: 'denied', by: 'c' })
  })

  it('counts the same reviewer once', () => {
    const t = tallyReviews(needs({ approvals: 2 }), [review('a', 'approve'), review('a', 'approve', { id: 'x' })])
    expect(t.outcome).toBe('pending')
  })

  it('needs an owner approval when obliged, however many others approve', () => {
    const o = needs({ approvals: 2, ownerApproval: true })
    expect(tallyReviews(o, [review('a', 'approve'), review('b', 'approve')])).toMatchObject({
      outcome: 'pending',
      missing: ['owner'],
    })
    expect(tallyReviews(o, [review('a', 'approve'), review('b', 'approve', { reviewerIsOwner: true })]).outcome).toBe('approved')
  })

  it('needs a member of each named group', () => {
    const o = needs({ approvals: 2, ownerApproval: true, approverGroups: ['security'] })
    const owner = review('paul', 'approve', { reviewerIsOwner: true })
    expect(tallyReviews(o, [owner, review('x', 'approve')])).toMatchObject({ outcome: 'pending', missing: ['group:security'] })
    expect(tallyReviews(o, [owner, review('sam', 'approve', { reviewerGroups: ['security'] })]).outcome).toBe('approved')
  })

  it('one person who is owner and in the group still leaves a second approval to find', () => {
    const o = needs({ approvals: 2, ownerApproval: true, approverGroups: ['security'] })
    const both = review('paul', 'approve', { reviewerIsOwner: true, reviewerGroups: ['security'] })
    expect(tallyReviews(o, [both])).toMatchObject({ outcome: 'pending', remaining: 1 })
  })
})
