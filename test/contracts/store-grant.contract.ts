import { describe, expect, it } from 'vitest'
import type { Grant, GrantState } from '../../src/domain/grant.js'
import type { Store } from '../../src/storage/store.js'
import {
  after,
  aGrant,
  before,
  DAY,
  HOUR,
  MINUTE,
  SECOND,
  T0,
  uniqueId,
} from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

/** Far from T0, so the default grants other tests insert are not due in these windows. */
const NOW = before(1000 * DAY)

async function insertAll(store: Store, grants: readonly Grant[]): Promise<Set<string>> {
  for (const g of grants) await store.grants.insert(g)
  return new Set(grants.map((g) => g.id))
}

const only = (mine: Set<string>, grants: ReadonlyArray<{ id: string }>) =>
  grants.map((g) => g.id).filter((id) => mine.has(id))

/** Grants: round trips, compare-and-swap, and the due-work queries at their boundaries. */
export function describeGrantContract(ctx: StoreContext): void {
  describe('grants', () => {
    it('round-trips a grant with every field set, and one with every nullable field null', async () => {
      const full = aGrant({
        state: 'revoked',
        handle: { role: 'hg_x', databases: ['app'], nested: { n: 1, ok: true, none: null } },
        credentialCiphertext: 'v1.aes-gcm.abcdef',
        credentialRetrievedAt: after(2 * MINUTE),
        issuedAt: after(MINUTE),
        issueAttempts: 2,
        revokeAttempts: 3,
        nextAttemptAt: after(90 * MINUTE),
        lastError: 'connection reset',
        revokeReason: 'manual',
        revokeDueAt: after(30 * MINUTE),
        revokedAt: after(31 * MINUTE),
        revocationLagMs: 60_123,
        verification: 'gone',
        leaseOwner: 'worker-1',
        leaseUntil: after(32 * MINUTE),
        createdAt: new Date('2029-12-31T23:59:59.999Z'),
        version: 7,
      })
      const bare = aGrant()
      await insertAll(ctx.store(), [full, bare])
      const storedFull = await ctx.store().grants.get(full.id)
      expect(storedFull).toEqual(full)
      expect(typeof storedFull?.version).toBe('number')
      expect(typeof storedFull?.revocationLagMs).toBe('number')
      expect(await ctx.store().grants.get(bare.id)).toEqual(bare)
      expect(await ctx.store().grants.get(uniqueId('grt'))).toBeNull()
    })

    it('refuses a grant for a request that does not exist', async () => {
      await expect(
        ctx.store().grants.insert(aGrant({ requestId: uniqueId('ghost') })),
      ).rejects.toThrow()
    })

    it('compare-and-swap: of two updates expecting the same version exactly one wins', async () => {
      const grant = aGrant()
      await ctx.store().grants.insert(grant)
      const issuing = {
        ...grant,
        state: 'issuing' as const,
        leaseOwner: 'a',
        leaseUntil: after(MINUTE),
        version: 2,
      }
      expect(await ctx.store().grants.update(issuing, 1)).toBe(true)
      expect(await ctx.store().grants.update({ ...grant, leaseOwner: 'b', version: 2 }, 1)).toBe(
        false,
      )
      expect(await ctx.store().grants.update({ ...issuing, state: 'active', version: 3 }, 3)).toBe(
        false,
      )
      expect(await ctx.store().grants.get(grant.id)).toEqual(issuing)
      const active = { ...issuing, state: 'active' as const, issuedAt: after(MINUTE), version: 3 }
      expect(await ctx.store().grants.update(active, 2)).toBe(true)
      expect(await ctx.store().grants.get(grant.id)).toEqual(active)
    })

    it('compare-and-swap holds for concurrent updates from two stores', async () => {
      const other = await ctx.open()
      for (let round = 0; round < 10; round++) {
        const grant = aGrant()
        await ctx.store().grants.insert(grant)
        const a = { ...grant, state: 'issuing' as const, leaseOwner: 'worker-a', version: 2 }
        const b = { ...grant, state: 'issuing' as const, leaseOwner: 'worker-b', version: 2 }
        const results = await Promise.all([
          ctx.store().grants.update(a, 1),
          other.grants.update(b, 1),
        ])
        expect(results.filter(Boolean)).toHaveLength(1)
        expect(await other.grants.get(grant.id)).toEqual(results[0] ? a : b)
      }
    })

    it('lists by subject, request and state, newest first, with a limit', async () => {
      const older = aGrant({ state: 'active', createdAt: before(HOUR) })
      const newer = aGrant({ state: 'revoked', createdAt: after(HOUR) })
      const mine = await insertAll(ctx.store(), [older, newer])
      const all = await ctx.store().grants.list({ subjectId: older.subjectId })
      expect(only(mine, all)).toEqual([newer.id, older.id])
      const active = await ctx
        .store()
        .grants.list({ requestId: older.requestId, states: ['active'] })
      expect(only(mine, active)).toEqual([older.id])
      expect(active.every((g) => g.state === 'active')).toBe(true)
      expect(await ctx.store().grants.list({ states: [] })).toEqual([])
      expect(await ctx.store().grants.list({ limit: 1 })).toHaveLength(1)
    })

    it('listIssuable: scheduled that started, failed issues due for retry, issuing with a lapsed lease', async () => {
      const t = NOW.getTime()
      const due = [
        aGrant({ state: 'scheduled', startsAt: new Date(t - 3 * SECOND) }),
        aGrant({ state: 'issue_failed', startsAt: new Date(t - 2 * SECOND), nextAttemptAt: NOW }),
        aGrant({ state: 'issuing', startsAt: new Date(t - SECOND), leaseUntil: NOW }),
        aGrant({ state: 'scheduled', startsAt: NOW }),
        aGrant({
          state: 'issuing',
          startsAt: new Date(t + HOUR),
          leaseUntil: new Date(t - MINUTE),
        }),
      ]
      const notDue = [
        aGrant({ state: 'scheduled', startsAt: new Date(t + 1) }),
        aGrant({
          state: 'issue_failed',
          startsAt: new Date(t - HOUR),
          nextAttemptAt: new Date(t + 1),
        }),
        aGrant({ state: 'issuing', startsAt: new Date(t - HOUR), leaseUntil: new Date(t + 1) }),
        ...(['active', 'revoking', 'revoke_failed', 'revoked', 'irrevocable'] as const).map(
          (state) =>
            aGrant({ state, startsAt: new Date(t - HOUR), nextAttemptAt: null, leaseUntil: null }),
        ),
      ]
      const mine = await insertAll(ctx.store(), [...notDue, ...due].reverse())
      expect(only(mine, await ctx.store().grants.listIssuable(NOW, 10_000))).toEqual(
        due.map((g) => g.id),
      )
      const full = await ctx.store().grants.listIssuable(NOW, 10_000)
      expect(await ctx.store().grants.listIssuable(NOW, 2)).toEqual(full.slice(0, 2))
    })

    it('listIssuable treats a missing retry time or lease as due now', async () => {
      const failed = aGrant({
        state: 'issue_failed',
        startsAt: before(DAY, NOW),
        nextAttemptAt: null,
      })
      const orphan = aGrant({ state: 'issuing', startsAt: before(DAY, NOW), leaseUntil: null })
      const mine = await insertAll(ctx.store(), [failed, orphan])
      expect(only(mine, await ctx.store().grants.listIssuable(NOW, 10_000)).sort()).toEqual(
        [...mine].sort(),
      )
    })

    it('listRevocable: expired active, lapsed revoking, failed and irrevocable due for retry, most overdue first', async () => {
      const t = NOW.getTime()
      const at = (ms: number) => new Date(t + ms)
      const due = [
        aGrant({
          state: 'irrevocable',
          expiresAt: at(-5 * HOUR),
          revokeDueAt: at(-5 * HOUR),
          nextAttemptAt: NOW,
        }),
        aGrant({
          state: 'revoke_failed',
          expiresAt: at(HOUR),
          revokeDueAt: at(-4 * HOUR),
          nextAttemptAt: at(-1),
        }),
        aGrant({ state: 'active', startsAt: at(-5 * HOUR), expiresAt: at(-3 * HOUR) }),
        aGrant({
          state: 'revoking',
          expiresAt: at(-2 * HOUR),
          revokeDueAt: at(-2 * HOUR),
          leaseUntil: NOW,
        }),
        aGrant({
          state: 'revoking',
          expiresAt: at(HOUR),
          revokeDueAt: at(-HOUR),
          leaseUntil: null,
        }),
        aGrant({
          state: 'revoke_failed',
          expiresAt: at(-MINUTE),
          revokeDueAt: at(-MINUTE),
          nextAttemptAt: null,
        }),
        aGrant({ state: 'active', startsAt: at(-HOUR), expiresAt: NOW }),
      ]
      const notDue = [
        aGrant({ state: 'active', startsAt: at(-HOUR), expiresAt: at(1) }),
        aGrant({
          state: 'revoking',
          expiresAt: at(-HOUR),
          revokeDueAt: at(-HOUR),
          leaseUntil: at(1),
        }),
        aGrant({
          state: 'revoke_failed',
          expiresAt: at(-HOUR),
          revokeDueAt: at(-HOUR),
          nextAttemptAt: at(1),
        }),
        aGrant({
          state: 'irrevocable',
          expiresAt: at(-HOUR),
          revokeDueAt: at(-HOUR),
          nextAttemptAt: at(1),
        }),
        ...(['scheduled', 'issuing', 'issue_failed', 'revoked'] as const).map((state) =>
          aGrant({
            state,
            startsAt: at(-2 * HOUR),
            expiresAt: at(-HOUR),
            leaseUntil: null,
            nextAttemptAt: null,
          }),
        ),
      ]
      const mine = await insertAll(ctx.store(), [...due, ...notDue].reverse())
      expect(only(mine, await ctx.store().grants.listRevocable(NOW, 10_000))).toEqual(
        due.map((g) => g.id),
      )
      const full = await ctx.store().grants.listRevocable(NOW, 10_000)
      expect(await ctx.store().grants.listRevocable(NOW, 3)).toEqual(full.slice(0, 3))
      // The same, less the expired active grants: what a sweep takes over or retries.
      const resumable = due.filter((g) => g.state !== 'active').map((g) => g.id)
      expect(only(mine, await ctx.store().grants.listResumableRevocations(NOW, 10_000))).toEqual(resumable)
      const fullResumable = await ctx.store().grants.listResumableRevocations(NOW, 10_000)
      expect(await ctx.store().grants.listResumableRevocations(NOW, 2)).toEqual(fullResumable.slice(0, 2))
    })

    it('listExpiringBefore: active grants due strictly before the horizon, soonest first', async () => {
      const until = after(HOUR, NOW)
      const soon = aGrant({
        state: 'active',
        startsAt: before(HOUR, NOW),
        expiresAt: after(MINUTE, NOW),
      })
      const sooner = aGrant({ state: 'active', startsAt: before(HOUR, NOW), expiresAt: NOW })
      const edge = aGrant({
        state: 'active',
        startsAt: before(HOUR, NOW),
        expiresAt: before(1, until),
      })
      const atHorizon = aGrant({ state: 'active', startsAt: before(HOUR, NOW), expiresAt: until })
      const later = aGrant({
        state: 'active',
        startsAt: before(HOUR, NOW),
        expiresAt: after(DAY, until),
      })
      const notActive = (['scheduled', 'issuing', 'revoking', 'revoked'] as const).map((state) =>
        aGrant({ state, startsAt: before(HOUR, NOW), expiresAt: after(MINUTE, NOW) }),
      )
      const mine = await insertAll(ctx.store(), [
        later,
        atHorizon,
        edge,
        soon,
        sooner,
        ...notActive,
      ])
      const expiring = await ctx.store().grants.listExpiringBefore(until, 10_000)
      expect(expiring.filter((e) => mine.has(e.id))).toEqual([
        { id: sooner.id, expiresAt: sooner.expiresAt },
        { id: soon.id, expiresAt: soon.expiresAt },
        { id: edge.id, expiresAt: edge.expiresAt },
      ])
      expect(await ctx.store().grants.listExpiringBefore(until, 1)).toEqual(expiring.slice(0, 1))
    })

    it('listExpiringBefore pages on after a given grant, ties ordered by id', async () => {
      const until = after(HOUR, NOW)
      const at = after(MINUTE, NOW)
      const tied = [0, 1, 2].map(() =>
        aGrant({ state: 'active', startsAt: before(HOUR, NOW), expiresAt: at }),
      )
      const next = aGrant({ state: 'active', startsAt: before(HOUR, NOW), expiresAt: after(1, at) })
      const mine = await insertAll(ctx.store(), [next, ...tied])
      const all = (await ctx.store().grants.listExpiringBefore(until, 10_000)).filter((e) =>
        mine.has(e.id),
      )
      expect(all.map((e) => e.id)).toEqual([...tied.map((g) => g.id).sort(), next.id])
      const paged: string[] = []
      let cursor: { expiresAt: Date; id: string } | undefined
      for (;;) {
        const page = await ctx.store().grants.listExpiringBefore(until, 2, cursor)
        const last = page.at(-1)
        if (!last) break
        paged.push(...page.map((e) => e.id))
        cursor = last
      }
      expect(paged.filter((id) => mine.has(id))).toEqual(all.map((e) => e.id))
      expect(new Set(paged).size).toBe(paged.length)
    })

    it('countByState counts every grant by state', async () => {
      const beforeCounts = await ctx.store().grants.countByState()
      // Revoked grants are in no state's index (migration 0013): counted as the rest of all grants.
      const added: GrantState[] = ['active', 'active', 'revoke_failed', 'irrevocable', 'revoked', 'revoked']
      await insertAll(
        ctx.store(),
        added.map((state) => aGrant({ state, startsAt: T0 })),
      )
      const afterCounts = await ctx.store().grants.countByState()
      const delta = (s: GrantState) => (afterCounts[s] ?? 0) - (beforeCounts[s] ?? 0)
      expect([
        delta('active'),
        delta('revoke_failed'),
        delta('irrevocable'),
        delta('revoked'),
      ]).toEqual([2, 1, 1, 2])
      expect(Object.values(afterCounts).every((n) => typeof n === 'number' && n > 0)).toBe(true)
    })
  })
}
