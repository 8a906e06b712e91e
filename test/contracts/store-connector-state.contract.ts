import { describe, expect, it } from 'vitest'
import { uniqueId } from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

/** Connector state entries with an `exp`, and the bounded delete that prunes them. */
export function describeConnectorStateContract(ctx: StoreContext): void {
  describe('connector state expiry', () => {
    const repo = () => ctx.store().connectorState
    const keysOf = async (target: string, keys: string[]) =>
      [...(await repo().getMany(target, keys)).keys()].sort()

    it('deleteExpired removes only the target’s entries whose exp is set and strictly below the bound', async () => {
      const target = uniqueId('tgt')
      const other = uniqueId('tgt')
      await repo().put(target, 'signing-key', 'kept for good')
      await repo().putIfAbsent(target, 'revoked:never-issued', 'kept for good', null)
      await repo().putIfAbsent(target, 'expired:99', 'below', 99)
      await repo().putManyIfAbsent(target, [
        ['expired:100', 'at the bound', 100],
        ['revoked:a', 'below', 42],
        ['audience:x', 'kept for good'],
      ])
      await repo().put(other, 'expired:1', 'another target', 1)
      await repo().put(other, 'expired:99', 'another target, same key', 99)

      expect(await repo().deleteExpired(target, 100, 1_000)).toBe(2)
      const all = [
        'signing-key',
        'revoked:never-issued',
        'expired:99',
        'expired:100',
        'revoked:a',
        'audience:x',
      ]
      expect(await keysOf(target, all)).toEqual([
        'audience:x',
        'expired:100',
        'revoked:never-issued',
        'signing-key',
      ])
      expect(await keysOf(other, ['expired:1', 'expired:99'])).toEqual(['expired:1', 'expired:99'])
      expect(await repo().deleteExpired(target, 100, 1_000)).toBe(0)
    })

    it('deletes at most batchSize entries per call, oldest exp first', async () => {
      const target = uniqueId('tgt')
      const keys = Array.from({ length: 7 }, (_, i) => `expired:${String(1_000 + i)}`)
      // Written newest first, so insertion order is not what puts the oldest first.
      await repo().putManyIfAbsent(
        target,
        [...keys].reverse().map((k, i) => [k, 'v', 1_006 - i] as const),
      )
      expect(await repo().deleteExpired(target, 2_000, 3)).toBe(3)
      expect(await keysOf(target, keys)).toEqual(keys.slice(3))
      expect(await repo().deleteExpired(target, 2_000, 3)).toBe(3)
      expect(await repo().deleteExpired(target, 2_000, 3)).toBe(1)
      expect(await repo().deleteExpired(target, 2_000, 3)).toBe(0)
    })

    it('put rewrites exp with the value (absent: kept for good); putIfAbsent and putManyIfAbsent keep the stored one', async () => {
      const target = uniqueId('tgt')
      await repo().put(target, 'rewritten-null', 'v1', 10)
      await repo().put(target, 'rewritten-null', 'v2')
      await repo().put(target, 'rewritten-later', 'v1', 10)
      await repo().put(target, 'rewritten-later', 'v2', 500)
      await repo().putIfAbsent(target, 'first-wins', 'v1', 10)
      await repo().putIfAbsent(target, 'first-wins', 'v2', 500)
      await repo().putIfAbsent(target, 'first-kept', 'v1', null)
      await repo().putManyIfAbsent(target, [['first-kept', 'v2', 10]])
      expect(await repo().deleteExpired(target, 100, 1_000)).toBe(1)
      expect(
        await keysOf(target, ['rewritten-null', 'rewritten-later', 'first-wins', 'first-kept']),
      ).toEqual(['first-kept', 'rewritten-later', 'rewritten-null'])
    })

    it('putManyIfAbsent stores every value as given, and skips a key repeated in the same batch', async () => {
      // On PostgreSQL the rows travel as one array literal per column: quoting must hold.
      const target = uniqueId('tgt')
      const awkward = ['NULL', '', '"quoted"', 'back\\slash', '{a,b}', 'comma, space', 'ünïcødé ✓', 'x'.repeat(5_000)]
      await repo().putManyIfAbsent(target, [
        ...awkward.map((value, i) => [`k${String(i)}`, value, i === 0 ? null : i] as const),
        ['k1', 'second write of k1'],
      ])
      const stored = await repo().getMany(target, awkward.map((_, i) => `k${String(i)}`))
      expect(awkward.map((_, i) => stored.get(`k${String(i)}`))).toEqual(awkward)
      // k0 has no exp (kept), k1..k7 expire below 100.
      expect(await repo().deleteExpired(target, 100, 1_000)).toBe(awkward.length - 1)
      expect(await repo().get(target, 'k0')).toBe('NULL')
    })

    it('deleteExpired inside a transaction is undone with it', async () => {
      const target = uniqueId('tgt')
      await repo().put(target, 'expired:5', 'v', 5)
      await expect(
        ctx.store().transaction(async (tx) => {
          expect(await tx.connectorState.deleteExpired(target, 10, 1_000)).toBe(1)
          throw new Error('rolled back')
        }),
      ).rejects.toThrow('rolled back')
      expect(await repo().get(target, 'expired:5')).toBe('v')
    })
  })
}
