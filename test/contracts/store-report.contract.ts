import { describe, expect, it } from 'vitest'
import type { AuditEventType } from '../../src/domain/audit-event.js'
import type { Finding } from '../../src/domain/finding.js'
import type { Grant } from '../../src/domain/grant.js'
import {
  aGrant,
  aRequest,
  aReview,
  DAY,
  FIXTURE,
  HOUR,
  MINUTE,
  uniqueId,
} from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

/**
 * The report port's period queries. The suite's database is shared, so every test works in a
 * window of its own far in the future, and checks only the rows it wrote where a query is global.
 */
export function describeReportContract(ctx: StoreContext): void {
  describe('reports', () => {
    const window = () => {
      const from = new Date(Date.UTC(2100, 0, 1) + Math.floor(Math.random() * 50_000) * DAY)
      return {
        from,
        to: new Date(from.getTime() + 30 * DAY),
        at: (ms: number) => new Date(from.getTime() + ms),
      }
    }
    const audit = (
      type: AuditEventType,
      at: Date,
      ids: { requestId?: string; grantId?: string },
      data: Record<string, unknown> = {},
    ) =>
      ctx
        .store()
        .transaction((tx) =>
          tx.audit.append({
            type,
            actor: 'system:test',
            requestId: ids.requestId ?? null,
            grantId: ids.grantId ?? null,
            data,
            id: uniqueId('evt'),
            at,
          }),
        )

    it('grants: each way a grant matters to the period, once, with its use', async () => {
      const { from, to, at } = window()
      const mk = async (overrides: Partial<Grant>) => {
        const g = aGrant({
          state: 'revoked',
          startsAt: at(0),
          issuedAt: at(0),
          issueAttempts: 1,
          ...overrides,
        })
        await ctx.store().grants.insert(g)
      }
      const before = new Date(from.getTime() - DAY)
      await mk({ state: 'active', expiresAt: at(40 * DAY), revokedAt: null })
      await mk({
        issuedAt: before,
        startsAt: before,
        expiresAt: at(HOUR),
        revokedAt: at(HOUR + 5),
        revocationLagMs: 5,
      })
      await mk({
        state: 'revoke_failed',
        issuedAt: before,
        startsAt: before,
        expiresAt: before,
        revokedAt: null,
      })
      await mk({
        issuedAt: before,
        startsAt: before,
        expiresAt: at(-HOUR),
        revokedAt: new Date(to.getTime() + HOUR),
      })
      await mk({
        issuedAt: before,
        startsAt: before,
        expiresAt: new Date(before.getTime() + HOUR),
        revokedAt: new Date(before.getTime() + HOUR),
      })
      await mk({
        state: 'active',
        issuedAt: before,
        startsAt: before,
        expiresAt: new Date(to.getTime() + DAY),
        revokedAt: null,
      })
      const used = facts0(
        await ctx.store().grants.list({ requestId: FIXTURE.requestId, limit: 1_000_000 }),
        at(40 * DAY),
      )
      await audit('grant.credential_retrieved', at(MINUTE), {
        requestId: FIXTURE.requestId,
        grantId: used,
      })

      const facts = await ctx.store().reports.grants(from, to)
      const byExpiry = (ms: number) => facts.filter((f) => f.expiresAt.getTime() === ms)
      expect(byExpiry(at(40 * DAY).getTime())).toHaveLength(1)
      expect(byExpiry(at(40 * DAY).getTime())[0]).toMatchObject({
        state: 'active',
        used: true,
        submittedAt: aRequest().submittedAt,
      })
      expect(byExpiry(at(HOUR).getTime())[0]).toMatchObject({ revocationLagMs: 5, used: false })
      expect(byExpiry(before.getTime()).filter((f) => f.state === 'revoke_failed')).toHaveLength(1)
      expect(byExpiry(at(-HOUR).getTime())).toHaveLength(1)
      expect(byExpiry(before.getTime() + HOUR)).toHaveLength(0)
      expect(byExpiry(to.getTime() + DAY)).toHaveLength(0)
    })

    it('residual window: from the first "still live" failure to the revocation', async () => {
      const { from, to, at } = window()
      const live = aGrant({
        state: 'revoked',
        expiresAt: at(HOUR),
        revokedAt: at(HOUR + 10 * MINUTE),
        revocationLagMs: 10 * MINUTE,
        revokeAttempts: 4,
      })
      const other = aGrant({
        state: 'revoked',
        expiresAt: at(HOUR),
        revokedAt: at(2 * HOUR),
        revocationLagMs: HOUR,
        revokeAttempts: 2,
      })
      await ctx.store().grants.insert(live)
      await ctx.store().grants.insert(other)
      const failed = (g: Grant, ms: number, error: string) =>
        audit(
          'grant.revoke_failed',
          at(ms),
          { requestId: g.requestId, grantId: g.id },
          { attempt: 1, error },
        )
      await failed(live, HOUR + MINUTE, 'connection refused')
      await failed(live, HOUR + 2 * MINUTE, 'access is still live on the target after revoke')
      await failed(live, HOUR + 3 * MINUTE, 'access is still live on the target after revoke')
      await failed(other, HOUR + MINUTE, 'connection refused')
      const residuals = await ctx.store().reports.residuals(from, to)
      expect(residuals).toEqual([
        { entitlementId: FIXTURE.entitlementId, targetId: FIXTURE.targetId, windowMs: 8 * MINUTE },
      ])
    })

    it('decisions, rejections and approvals of the period, with the entitlement of their request', async () => {
      const { from, to, at } = window()
      const request = aRequest({ submittedAt: at(0), subjectId: FIXTURE.requesterId })
      await ctx.store().requests.insert(request)
      await audit('request.denied', at(MINUTE), { requestId: request.id })
      await audit('request.lapsed', at(2 * MINUTE), { requestId: request.id })
      await audit('request.denied', new Date(to.getTime() + 1), { requestId: request.id })
      await audit(
        'review.rejected',
        at(MINUTE),
        { requestId: request.id },
        { code: 'review.self_review_forbidden' },
      )
      await ctx
        .store()
        .reviews.insert(
          aReview({
            requestId: request.id,
            reviewerId: FIXTURE.ownerId,
            reviewerIsOwner: true,
            createdAt: at(90 * 1000),
          }),
        )
      await ctx
        .store()
        .reviews.insert(
          aReview({
            requestId: request.id,
            reviewerId: FIXTURE.reviewerId,
            verdict: 'deny',
            createdAt: at(MINUTE),
          }),
        )

      expect(await ctx.store().reports.decisions(from, to)).toEqual([
        { kind: 'reviewer', entitlementId: FIXTURE.entitlementId },
        { kind: 'expired', entitlementId: FIXTURE.entitlementId },
      ])
      expect(await ctx.store().reports.rejections(from, to)).toEqual([
        { entitlementId: FIXTURE.entitlementId, rule: 'review.self_review_forbidden' },
      ])
      expect(await ctx.store().reports.approvals(from, to)).toEqual([
        {
          entitlementId: FIXTURE.entitlementId,
          reviewerIsOwner: true,
          reviewerOwnsSubject: false,
          latencyMs: 90_000,
        },
      ])
      expect(await ctx.store().reports.requestsSubmitted(from, to)).toEqual([
        { entitlementId: FIXTURE.entitlementId, durationSeconds: 3600 },
      ])
    })

    it('break-glass uses, and overdue reviews and active exceptions at the end', async () => {
      const { from, to, at } = window()
      const baseline = await ctx.store().reports.breakGlass(from, to)
      const exceptionsBefore = await ctx.store().reports.exceptions(from, to)
      const use = (usedAt: Date, reviewedAt: Date | null) =>
        ctx.store().breakGlassReviews.insert({
          requestId: uniqueId('req'),
          grantId: uniqueId('grt'),
          userId: FIXTURE.requesterId,
          entitlementId: FIXTURE.entitlementId,
          incidentRef: 'INC-1',
          usedAt,
          dueAt: new Date(usedAt.getTime() + DAY),
          escalatedAt: null,
          reviewerId: reviewedAt ? FIXTURE.reviewerId : null,
          verdict: reviewedAt ? 'justified' : null,
          comment: reviewedAt ? 'ok' : null,
          reviewedAt,
          version: 1,
        })
      await use(at(0), at(HOUR))
      await use(at(HOUR), null)
      await use(at(2 * HOUR), new Date(to.getTime() + HOUR))
      await use(new Date(to.getTime() - HOUR), null)
      const exception = (createdAt: Date, expiresAt: Date, revokedAt: Date | null) =>
        ctx.store().exceptions.insert({
          id: uniqueId('exc'),
          scope: {
            identityId: FIXTURE.requesterId,
            entitlementId: FIXTURE.entitlementId,
            policyId: null,
          },
          reason: 'contract test',
          approverId: FIXTURE.ownerId,
          createdAt,
          expiresAt,
          renewedFrom: null,
          renewals: 0,
          uses: 0,
          revokedAt,
          revokedBy: revokedAt ? FIXTURE.ownerId : null,
          endReason: revokedAt ? 'revoked' : null,
          version: 1,
        })
      await exception(at(0), new Date(to.getTime() + DAY), null)
      await exception(at(0), new Date(to.getTime() + DAY), new Date(to.getTime() + 1))
      await exception(at(0), at(DAY), null)
      await exception(at(0), new Date(to.getTime() + DAY), at(DAY))
      await audit('exception.used', at(MINUTE), {})

      const bg = await ctx.store().reports.breakGlass(from, to)
      expect(bg.usedInPeriod).toHaveLength(4)
      // Unreviewed past its deadline, and reviewed only after the end; the last use is not due yet.
      expect(bg.overdueAtEnd - baseline.overdueAtEnd).toBe(2)
      const ex = await ctx.store().reports.exceptions(from, to)
      expect(ex.activeAtEnd - exceptionsBefore.activeAtEnd).toBe(2)
      expect(ex.used).toBe(1)
    })

    it('the latest reconciliation of each target before the end, and findings open at the end', async () => {
      const { to, at } = window()
      const [a, b, c] = [uniqueId('tgt'), uniqueId('tgt'), uniqueId('tgt')]
      const done = (ms: number, data: Record<string, unknown>) =>
        audit('reconcile.completed', at(ms), {}, data)
      await done(0, { targetId: a, supported: true, observed: 3 })
      await done(HOUR, { targetId: a, supported: true, observed: 5, backedByGrant: 4 })
      await done(HOUR, { targetId: b, supported: true, observed: 7 })
      await done(2 * HOUR, { targetId: c, supported: false, observed: 0 })
      await done(40 * DAY, { targetId: b, supported: true, observed: 99, backedByGrant: 99 })
      const latest = await ctx.store().reports.latestReconciliations(to, [a, b, c])
      expect(latest.sort((x, y) => x.observed - y.observed)).toEqual([
        { targetId: a, observed: 5, backedByGrant: 4 },
        { targetId: b, observed: 7, backedByGrant: null },
      ])

      const finding = (overrides: Partial<Finding>) =>
        ctx.store().findings.insert({
          id: uniqueId('fnd'),
          targetId: a,
          kind: 'shadow',
          key: uniqueId('k'),
          principal: 'p',
          grantId: null,
          details: {},
          state: 'open',
          firstSeenAt: at(0),
          lastSeenAt: at(0),
          resolvedAt: null,
          resolution: null,
          acceptedBy: null,
          acceptReason: null,
          acceptedUntil: null,
          version: 1,
          ...overrides,
        })
      await finding({})
      await finding({ details: { expiresAt: at(DAY).toISOString() } })
      await finding({ kind: 'orphaned_nhi' })
      await finding({ state: 'resolved', resolvedAt: at(DAY) })
      await finding({ state: 'resolved', resolvedAt: new Date(to.getTime() + 1) })
      await finding({ state: 'accepted', acceptedUntil: new Date(to.getTime() + DAY) })
      await finding({ firstSeenAt: new Date(to.getTime() + 1) })
      const open = (await ctx.store().reports.openFindings(to)).filter((f) => f.targetId === a)
      expect(open.map((f) => `${f.kind}:${String(f.hasExpiry)}`).sort()).toEqual([
        'orphaned_nhi:false',
        'shadow:false',
        'shadow:false',
        'shadow:true',
      ])
    })
  })
}

/** The id of the grant expiring at this instant (each test's instants are its own). */
function facts0(grants: Grant[], expiresAt: Date): string {
  const g = grants.find((x) => x.expiresAt.getTime() === expiresAt.getTime())
  if (!g) throw new Error('no such grant')
  return g.id
}
