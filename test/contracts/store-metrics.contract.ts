import { describe, expect, it } from 'vitest'
import type { PostUseReview } from '../../src/domain/break-glass.js'
import type { Finding, FindingKind } from '../../src/domain/finding.js'
import type { Grant } from '../../src/domain/grant.js'
import type { Store } from '../../src/storage/store.js'
import { after, aGrant, before, DAY, FIXTURE, HOUR, MINUTE, SECOND, T0, uniqueId } from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

/*
 * The suite shares one database, so each test measures before and after its own inserts and
 * asserts the exact difference. A kind nobody else uses (`sshx-metrics`) keeps the per-connector
 * count free of other tests' grants entirely.
 */

/** Far from T0, so nobody else's grants are due around it. */
const NOW = after(3000 * DAY)

function aFinding(kind: FindingKind, overrides: Partial<Finding> = {}): Finding {
  return {
    id: uniqueId('fnd'),
    targetId: FIXTURE.targetId,
    kind,
    key: uniqueId('metrics:key'),
    principal: 'someone',
    grantId: null,
    details: {},
    state: 'open',
    firstSeenAt: T0,
    lastSeenAt: T0,
    resolvedAt: null,
    resolution: null,
    acceptedBy: null,
    acceptReason: null,
    acceptedUntil: null,
    version: 1,
    ...overrides,
  }
}

function aPostUseReview(overrides: Partial<PostUseReview> = {}): PostUseReview {
  return {
    requestId: uniqueId('req'),
    grantId: uniqueId('grt'),
    userId: FIXTURE.requesterId,
    entitlementId: FIXTURE.entitlementId,
    incidentRef: 'INC-1',
    usedAt: before(DAY, NOW),
    dueAt: NOW,
    escalatedAt: null,
    reviewerId: null,
    verdict: null,
    comment: null,
    reviewedAt: null,
    version: 1,
    ...overrides,
  }
}

async function insertGrants(store: Store, grants: readonly Grant[]): Promise<void> {
  for (const g of grants) await store.grants.insert(g)
}

/** The grouped COUNT queries a metrics scrape runs instead of listing rows. */
export function describeMetricsCountContract(ctx: StoreContext): void {
  describe('metrics counts', () => {
    it('counts active grants per connector kind and nothing else', async () => {
      const store = ctx.store()
      const before0 = await store.grants.countActiveByConnector()
      const active = { state: 'active' as const, startsAt: before(HOUR, NOW), expiresAt: after(HOUR, NOW) }
      await insertGrants(store, [
        aGrant({ ...active, connectorKind: 'sshx-metrics' }),
        aGrant({ ...active, connectorKind: 'sshx-metrics' }),
        aGrant({ ...active, connectorKind: 'redisx-metrics' }),
        aGrant({ state: 'revoked', connectorKind: 'sshx-metrics' }),
        aGrant({ state: 'scheduled', connectorKind: 'sshx-metrics' }),
        aGrant({ state: 'irrevocable', connectorKind: 'sshx-metrics' }),
      ])
      const counts = await store.grants.countActiveByConnector()
      expect(before0['sshx-metrics']).toBeUndefined()
      expect(counts['sshx-metrics']).toBe(2)
      expect(counts['redisx-metrics']).toBe(1)
      for (const value of Object.values(counts)) expect(typeof value).toBe('number')
    })

    it('counts overdue revocations from the due time (early revocation first, else expiry), inclusive', async () => {
      const store = ctx.store()
      const base = await store.grants.countOverdue(NOW)
      await insertGrants(store, [
        // Past expiry, still active: overdue.
        aGrant({ state: 'active', startsAt: before(2 * HOUR, NOW), expiresAt: before(SECOND, NOW) }),
        // Expiring exactly now: overdue (the due instant is inclusive).
        aGrant({ state: 'active', startsAt: before(HOUR, NOW), expiresAt: NOW }),
        // Not yet expired: not overdue.
        aGrant({ state: 'active', startsAt: before(HOUR, NOW), expiresAt: after(MINUTE, NOW) }),
        // Revocation asked for early, expiry far away: overdue from the request on.
        aGrant({ state: 'revoking', startsAt: before(HOUR, NOW), expiresAt: after(DAY, NOW), revokeDueAt: before(MINUTE, NOW) }),
        aGrant({ state: 'revoke_failed', startsAt: before(HOUR, NOW), expiresAt: after(DAY, NOW), revokeDueAt: before(MINUTE, NOW), nextAttemptAt: after(MINUTE, NOW) }),
        // Due later: not overdue even in a revoking state.
        aGrant({ state: 'revoking', startsAt: before(HOUR, NOW), expiresAt: after(DAY, NOW), revokeDueAt: after(MINUTE, NOW) }),
        // Done, or counted apart.
        aGrant({ state: 'revoked', startsAt: before(2 * HOUR, NOW), expiresAt: before(HOUR, NOW), revokedAt: before(HOUR, NOW) }),
        aGrant({ state: 'irrevocable', startsAt: before(2 * HOUR, NOW), expiresAt: before(HOUR, NOW) }),
      ])
      expect((await store.grants.countOverdue(NOW)) - base).toBe(4)
    })

    it('counts open findings per kind, leaving resolved and accepted ones out', async () => {
      const store = ctx.store()
      const base = await store.findings.countOpenByKind()
      for (const f of [
        aFinding('stale_credential'),
        aFinding('stale_credential'),
        aFinding('exception_drift'),
        aFinding('stale_credential', { state: 'resolved', resolvedAt: T0 }),
        aFinding('exception_drift', { state: 'accepted', acceptedBy: 'admin', acceptReason: 'known' }),
      ]) {
        await store.findings.insert(f)
      }
      const counts = await store.findings.countOpenByKind()
      expect((counts.stale_credential ?? 0) - (base.stale_credential ?? 0)).toBe(2)
      expect((counts.exception_drift ?? 0) - (base.exception_drift ?? 0)).toBe(1)
      expect(Object.values(counts).every((n) => typeof n === 'number' && n > 0)).toBe(true)
    })

    it('counts break-glass reviews overdue at an instant: unreviewed and due at or before it', async () => {
      const store = ctx.store()
      const base = await store.breakGlassReviews.countOverdue(NOW)
      for (const r of [
        aPostUseReview({ dueAt: before(HOUR, NOW) }),
        aPostUseReview({ dueAt: NOW }),
        aPostUseReview({ dueAt: after(SECOND, NOW) }),
        aPostUseReview({ dueAt: before(HOUR, NOW), reviewedAt: before(2 * HOUR, NOW), reviewerId: 'sam', verdict: 'justified' }),
      ]) {
        await store.breakGlassReviews.insert(r)
      }
      expect((await store.breakGlassReviews.countOverdue(NOW)) - base).toBe(2)
      expect((await store.breakGlassReviews.countOverdue(after(SECOND, NOW))) - base).toBe(3)
    })
  })
}
