import { describe, expect, it } from 'vitest'
import type { AccessRequest } from '../../src/domain/access-request.js'
import {
  after,
  anIdentity,
  aRequest,
  aReview,
  before,
  DAY,
  FIXTURE,
  HOUR,
  MINUTE,
  T0,
  uniqueId,
} from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

const ids = (requests: readonly AccessRequest[]) => requests.map((r) => r.id)

/** Access requests and their reviews. */
export function describeRequestContract(ctx: StoreContext): void {
  describe('requests', () => {
    it('round-trips a request with every field, JSON and nulls', async () => {
      const decided = aRequest({
        ticketRef: null,
        revocationCondition: 'ticket_closed',
        state: 'denied',
        obligations: {
          approvals: 2,
          ownerApproval: true,
          approverGroups: ['sre'],
          maxDurationSeconds: 1800,
          ticketRequired: true,
        },
        eligibleReviewers: ['r3', 'r1', 'r2'],
        decidedAt: after(3 * MINUTE),
        decisionReason: 'denied by r1',
        version: 4,
      })
      const pending = aRequest({ eligibleReviewers: [] })
      await ctx.store().requests.insert(decided)
      await ctx.store().requests.insert(pending)
      expect(await ctx.store().requests.get(decided.id)).toEqual(decided)
      expect(await ctx.store().requests.get(pending.id)).toEqual(pending)
      expect(await ctx.store().requests.get(uniqueId('req'))).toBeNull()
    })

    it('refuses a request for an identity or entitlement that does not exist', async () => {
      await expect(
        ctx.store().requests.insert(aRequest({ subjectId: uniqueId('ghost') })),
      ).rejects.toThrow()
      await expect(
        ctx.store().requests.insert(aRequest({ entitlementId: uniqueId('ghost') })),
      ).rejects.toThrow()
    })

    it('filters by reviewer exactly: bob never matches bobby', async () => {
      const bob = uniqueId('bob')
      const forBob = aRequest({ eligibleReviewers: ['carol', bob] })
      const forBobby = aRequest({ eligibleReviewers: [`${bob}by`, `x${bob}`] })
      const forLikePattern = aRequest({
        eligibleReviewers: [`${bob.slice(0, 3)}%`, `${bob.slice(0, -1)}_`],
      })
      for (const r of [forBob, forBobby, forLikePattern]) await ctx.store().requests.insert(r)
      expect(ids(await ctx.store().requests.list({ reviewerId: bob }))).toEqual([forBob.id])
      expect(await ctx.store().requests.list({ reviewerId: bob.slice(0, -1) })).toEqual([])
      expect(ids(await ctx.store().requests.list({ reviewerId: `${bob}by` }))).toEqual([
        forBobby.id,
      ])
      // LIKE wildcards in the filter are literal characters.
      const underscore = `${bob.slice(0, -1)}_`
      expect(ids(await ctx.store().requests.list({ reviewerId: underscore }))).toEqual([
        forLikePattern.id,
      ])
    })

    it('filters by requester, subject and state, newest first, with a limit', async () => {
      const requester = anIdentity()
      const subject = anIdentity()
      await ctx.store().identities.insert(requester)
      await ctx.store().identities.insert(subject)
      const oldest = aRequest({
        requesterId: requester.id,
        subjectId: requester.id,
        submittedAt: before(HOUR),
      })
      const middle = aRequest({
        requesterId: requester.id,
        subjectId: subject.id,
        state: 'approved',
      })
      const newest = aRequest({
        requesterId: requester.id,
        subjectId: subject.id,
        submittedAt: after(HOUR),
        state: 'cancelled',
      })
      for (const r of [middle, newest, oldest]) await ctx.store().requests.insert(r)
      const store = ctx.store().requests
      expect(ids(await store.list({ requesterId: requester.id }))).toEqual([
        newest.id,
        middle.id,
        oldest.id,
      ])
      expect(ids(await store.list({ subjectId: subject.id }))).toEqual([newest.id, middle.id])
      expect(
        ids(await store.list({ requesterId: requester.id, states: ['pending', 'approved'] })),
      ).toEqual([middle.id, oldest.id])
      expect(await store.list({ requesterId: requester.id, states: [] })).toEqual([])
      expect(ids(await store.list({ requesterId: requester.id, limit: 2 }))).toEqual([
        newest.id,
        middle.id,
      ])
    })

    it('updates the decision with compare-and-swap; the submitted fields never change', async () => {
      const request = aRequest()
      await ctx.store().requests.insert(request)
      const approved: AccessRequest = {
        ...request,
        state: 'approved',
        decidedAt: after(MINUTE),
        decisionReason: 'ok',
        version: 2,
      }
      const tampered = {
        ...approved,
        justification: 'something else',
        eligibleReviewers: ['mallory'],
      }
      expect(await ctx.store().requests.update(tampered, 1)).toBe(true)
      expect(
        await ctx.store().requests.update({ ...request, state: 'cancelled', version: 2 }, 1),
      ).toBe(false)
      expect(await ctx.store().requests.get(request.id)).toEqual(approved)
      expect(await ctx.store().requests.list({ reviewerId: 'mallory' })).not.toContainEqual(
        expect.objectContaining({ id: request.id }),
      )
    })

    it('one of two concurrent updates from two stores wins', async () => {
      const other = await ctx.open()
      for (let round = 0; round < 5; round++) {
        const request = aRequest()
        await ctx.store().requests.insert(request)
        const cancel = {
          ...request,
          state: 'cancelled' as const,
          decidedAt: after(MINUTE),
          decisionReason: 'cancelled',
          version: 2,
        }
        const deny = {
          ...request,
          state: 'denied' as const,
          decidedAt: after(MINUTE),
          decisionReason: 'denied',
          version: 2,
        }
        const results = await Promise.all([
          ctx.store().requests.update(cancel, 1),
          other.requests.update(deny, 1),
        ])
        expect(results.filter(Boolean)).toHaveLength(1)
        expect(await ctx.store().requests.get(request.id)).toEqual(results[0] ? cancel : deny)
      }
    })

    it('lists pending requests whose review deadline has been reached, soonest first', async () => {
      const now = before(400 * DAY)
      const due = aRequest({ reviewDeadline: before(MINUTE, now) })
      const dueNow = aRequest({ reviewDeadline: now })
      const notYet = aRequest({ reviewDeadline: after(1, now) })
      const decided = aRequest({
        reviewDeadline: before(HOUR, now),
        state: 'approved',
        decidedAt: before(2 * HOUR, now),
      })
      for (const r of [dueNow, notYet, decided, due]) await ctx.store().requests.insert(r)
      const mine = new Set([due.id, dueNow.id, notYet.id, decided.id])
      const lapsable = await ctx.store().requests.listLapsable(now, 1000)
      expect(ids(lapsable).filter((id) => mine.has(id))).toEqual([due.id, dueNow.id])
      expect(await ctx.store().requests.listLapsable(now, 1)).toHaveLength(1)
      expect(ids(await ctx.store().requests.listLapsable(T0, 1000))).not.toContain(decided.id)
    })
  })

  describe('reviews', () => {
    it('round-trips a review and lists a request’s reviews in order', async () => {
      const request = aRequest()
      await ctx.store().requests.insert(request)
      const owner = aReview({
        requestId: request.id,
        reviewerId: FIXTURE.ownerId,
        requestDigest: request.digest,
        reviewerIsOwner: true,
        reviewerGroups: [],
        createdAt: after(2 * MINUTE),
      })
      const peer = aReview({
        requestId: request.id,
        requestDigest: request.digest,
        verdict: 'deny',
        comment: '',
        createdAt: after(MINUTE),
      })
      expect(await ctx.store().reviews.insert(owner)).toBe(true)
      expect(await ctx.store().reviews.insert(peer)).toBe(true)
      expect(await ctx.store().reviews.listForRequest(request.id)).toEqual([peer, owner])
      expect(await ctx.store().reviews.listForRequest(uniqueId('req'))).toEqual([])
    })

    it('a second review by the same reviewer returns false and changes nothing', async () => {
      const request = aRequest()
      await ctx.store().requests.insert(request)
      const first = aReview({ requestId: request.id, requestDigest: request.digest })
      expect(await ctx.store().reviews.insert(first)).toBe(true)
      expect(
        await ctx.store().reviews.insert({ ...first, id: uniqueId('rev'), verdict: 'deny' }),
      ).toBe(false)
      expect(await ctx.store().reviews.listForRequest(request.id)).toEqual([first])
    })

    it('a duplicate review inside a transaction leaves the transaction usable', async () => {
      const request = aRequest()
      await ctx.store().requests.insert(request)
      const first = aReview({ requestId: request.id, requestDigest: request.digest })
      const marker = uniqueId('t')
      await ctx.store().transaction(async (tx) => {
        expect(await tx.reviews.insert(first)).toBe(true)
        expect(await tx.reviews.insert({ ...first, id: uniqueId('rev') })).toBe(false)
        await tx.connectorState.put(marker, 'after-duplicate', 'written')
      })
      expect(await ctx.store().connectorState.get(marker, 'after-duplicate')).toBe('written')
    })
  })
}
