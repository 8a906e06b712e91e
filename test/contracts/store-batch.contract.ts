import { describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../src/domain/audit-event.js'
import type { Grant } from '../../src/domain/grant.js'
import { after, aGrant, MINUTE, SECOND, uniqueId } from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

function anEvent(i: number, grantId: string) {
  return {
    id: uniqueId('evt'),
    at: after(i * SECOND),
    type: 'grant.revoking' as const,
    actor: 'system:batch',
    requestId: null,
    grantId,
    data: { attempt: i, reason: 'expired', fromState: 'active' },
  }
}

/** The bulk operations a revocation batch relies on: the same guarantees as one at a time. */
export function describeBatchContract(ctx: StoreContext): void {
  describe('batches', () => {
    it('getMany returns the grants that exist, whatever the order and duplicates asked', async () => {
      const grants = [aGrant(), aGrant(), aGrant()]
      for (const g of grants) await ctx.store().grants.insert(g)
      const ids = grants.map((g) => g.id)
      const asked = [ids[2] ?? '', uniqueId('grt'), ids[0] ?? '', ids[1] ?? '', ids[0] ?? '']
      const found = await ctx.store().grants.getMany(asked)
      expect(new Map(found.map((g) => [g.id, g]))).toEqual(new Map(grants.map((g) => [g.id, g])))
      expect(await ctx.store().grants.getMany([])).toEqual([])
    })

    it('getMany reads past one in-list chunk', async () => {
      const grants = Array.from({ length: 620 }, () => aGrant())
      await ctx.store().transaction(async (tx) => {
        for (const g of grants) await tx.grants.insert(g)
      })
      const found = await ctx.store().grants.getMany(grants.map((g) => g.id))
      expect(found.map((g) => g.id).sort()).toEqual(grants.map((g) => g.id).sort())
      // Inside a transaction (on SQLite a direct statement), the same grants, field for field.
      const ids = [...grants.map((g) => g.id), 'grt_missing']
      const inTx = await ctx.store().transaction((tx) => tx.grants.getMany(ids))
      const byId = (list: Grant[]) => [...list].sort((x, y) => x.id.localeCompare(y.id))
      expect(byId(inTx)).toEqual(byId(found))
      expect(byId(inTx)).toEqual(byId(grants))
    })

    it('patchMany writes only the named fields, per grant compare-and-swap', async () => {
      const a = aGrant({ leaseOwner: 'old' })
      const b = aGrant()
      await ctx.store().grants.insert(a)
      await ctx.store().grants.insert(b)
      // Someone else moves b first: its patch must lose, a's must win.
      expect(await ctx.store().grants.update({ ...b, lastError: 'theirs', version: 2 }, 1)).toBe(true)
      const revoking = (g: Grant): Grant => ({
        ...g,
        state: 'revoking',
        revokeAttempts: 1,
        leaseOwner: 'me',
        leaseUntil: after(MINUTE),
        // Not named below, so never written even though it differs here.
        lastError: 'must not be stored',
        version: 2,
      })
      const fields = ['state', 'revokeAttempts', 'leaseOwner', 'leaseUntil'] as const
      const changed = await ctx.store().transaction((tx) =>
        tx.grants.patchMany([
          { grant: revoking(a), expectedVersion: 1, fields },
          { grant: revoking(b), expectedVersion: 1, fields },
        ]),
      )
      expect(changed).toEqual([true, false])
      expect(await ctx.store().grants.get(a.id)).toEqual({ ...revoking(a), lastError: null })
      expect(await ctx.store().grants.get(b.id)).toEqual({ ...b, lastError: 'theirs', version: 2 })
    })

    it('patchMany over several chunks and shapes: each patch wins or loses on its own version', async () => {
      const grants = Array.from({ length: 450 }, (_, i) => aGrant({ revokeAttempts: i % 5 }))
      await ctx.store().transaction(async (tx) => {
        for (const g of grants) await tx.grants.insert(g)
      })
      // Every seventh grant was changed by someone else since it was read.
      const stale = new Set(grants.filter((_, i) => i % 7 === 0).map((g) => g.id))
      for (const id of stale) {
        const g = grants.find((x) => x.id === id)
        if (g) await ctx.store().grants.update({ ...g, lastError: 'theirs', version: 2 }, 1)
      }
      const patches = grants.map((g, i) =>
        i % 2 === 0
          ? {
              grant: { ...g, state: 'revoking' as const, revokeAttempts: g.revokeAttempts + 1, leaseUntil: after(MINUTE), version: 2 },
              expectedVersion: 1,
              fields: ['state', 'revokeAttempts', 'leaseUntil'] as const,
            }
          : {
              grant: { ...g, lastError: `mine ${String(i)}`, nextAttemptAt: null, version: 2 },
              expectedVersion: 1,
              fields: ['lastError', 'nextAttemptAt'] as const,
            },
      )
      const changed = await ctx.store().transaction((tx) => tx.grants.patchMany(patches))
      expect(changed).toEqual(grants.map((g) => !stale.has(g.id)))
      const stored = new Map((await ctx.store().grants.getMany(grants.map((g) => g.id))).map((g) => [g.id, g]))
      for (const [i, p] of patches.entries()) {
        const g = grants[i]
        if (!g) continue
        expect(stored.get(g.id)).toEqual(stale.has(g.id) ? { ...g, lastError: 'theirs', version: 2 } : p.grant)
      }
    })

    it('patchMany applies two patches of one grant in order: the second finds the version moved', async () => {
      const g = aGrant()
      await ctx.store().grants.insert(g)
      const first = { grant: { ...g, lastError: 'first', version: 2 }, expectedVersion: 1, fields: ['lastError'] as const }
      const second = { grant: { ...g, lastError: 'second', version: 2 }, expectedVersion: 1, fields: ['lastError'] as const }
      expect(await ctx.store().transaction((tx) => tx.grants.patchMany([first, second]))).toEqual([true, false])
      expect((await ctx.store().grants.get(g.id))?.lastError).toBe('first')
    })

    it('patchMany refuses a field that is not a grant column', async () => {
      const a = aGrant()
      await ctx.store().grants.insert(a)
      const bogus = ['state; drop table grants'] as unknown as ReadonlyArray<keyof Grant>
      await expect(
        ctx.store().grants.patchMany([
          { grant: a, expectedVersion: 1, fields: bogus as never },
        ]),
      ).rejects.toThrow()
      expect(await ctx.store().grants.get(a.id)).toEqual(a)
    })

    it('appendMany chains events in order on the head, inside and outside a transaction', async () => {
      const head = await ctx.store().audit.head()
      const grantId = uniqueId('grt')
      const first = await ctx.store().audit.appendMany([anEvent(1, grantId), anEvent(2, grantId)])
      const second = await ctx.store().transaction(async (tx) => {
        const one = await tx.audit.append(anEvent(3, grantId))
        const many = await tx.audit.appendMany([anEvent(4, grantId), anEvent(5, grantId)])
        return [one, ...many]
      })
      const all = [...first, ...second]
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5].map((n) => head.seq + n))
      expect(verifyAuditChain(all, head).ok).toBe(true)
      expect(await ctx.store().audit.head()).toEqual({ seq: head.seq + 5, hash: all[4]?.hash })
      expect(await ctx.store().audit.list({ afterSeq: head.seq, limit: 10 })).toEqual(all)
      expect(await ctx.store().audit.appendMany([])).toEqual([])
    })

    it('a failed batch leaves no event of it behind', async () => {
      const head = await ctx.store().audit.head()
      const grantId = uniqueId('grt')
      await expect(
        ctx.store().transaction(async (tx) => {
          await tx.audit.appendMany([anEvent(1, grantId), anEvent(2, grantId)])
          throw new Error('the change this batch recorded failed')
        }),
      ).rejects.toThrow('the change this batch recorded failed')
      expect(await ctx.store().audit.head()).toEqual(head)
      expect(await ctx.store().audit.list({ grantId, limit: 10 })).toEqual([])
    })

    it('connector state: putManyIfAbsent keeps existing values; getMany reads what exists', async () => {
      const target = uniqueId('tgt')
      await ctx.store().connectorState.put(target, 'k1', 'kept')
      await ctx.store().connectorState.putManyIfAbsent(target, [
        ['k1', 'ignored'],
        ['k2', 'two'],
        ['k3', 'three'],
      ])
      await ctx.store().connectorState.put(uniqueId('tgt'), 'k4', 'other target')
      const found = await ctx.store().connectorState.getMany(target, ['k1', 'k2', 'k3', 'k4'])
      expect(found).toEqual(
        new Map([
          ['k1', 'kept'],
          ['k2', 'two'],
          ['k3', 'three'],
        ]),
      )
      await ctx.store().connectorState.putManyIfAbsent(target, [])
      expect(await ctx.store().connectorState.getMany(target, [])).toEqual(new Map())
    })
  })
}
