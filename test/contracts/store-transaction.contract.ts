import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/domain/errors.js'
import type { Store } from '../../src/storage/store.js'
import { after, aGrant, anEntitlement, anIdentity, aRequest, aTarget, MINUTE, uniqueId } from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

function appendInput(extra: { requestId?: string; data?: Record<string, unknown> } = {}) {
  return {
    id: uniqueId('evt'),
    at: after(MINUTE),
    type: 'request.submitted' as const,
    actor: 'fx-alice',
    requestId: extra.requestId ?? null,
    data: extra.data ?? { note: 'test' },
  }
}

async function eventIdsAfter(store: Store, seq: number): Promise<string[]> {
  return (await store.audit.list({ afterSeq: seq, limit: 100_000 })).map((e) => e.id)
}

/** transaction(): all or nothing, errors as the product's, and no reaching around it. */
export function describeTransactionContract(ctx: StoreContext): void {
  describe('transactions', () => {
    it('commits every write and audit event together', async () => {
      const person = anIdentity()
      const event = appendInput()
      const result = await ctx.store().transaction(async (tx) => {
        await tx.identities.insert(person)
        await tx.audit.append(event)
        return 'done'
      })
      expect(result).toBe('done')
      expect(await ctx.store().identities.get(person.id)).toEqual(person)
      expect(
        (await ctx.store().audit.list({ afterSeq: 0, limit: 100_000 })).map((e) => e.id),
      ).toContain(event.id)
    })

    it('a throw rolls back rows, audit events and the audit head, and reaches the caller unchanged', async () => {
      const head = await ctx.store().audit.head()
      const person = anIdentity()
      const request = aRequest({ requesterId: person.id, subjectId: person.id })
      const grant = aGrant({ requestId: request.id, subjectId: person.id })
      const boom = new Error('boom')
      const outcome = ctx.store().transaction(async (tx) => {
        await tx.identities.insert(person)
        await tx.requests.insert(request)
        await tx.grants.insert(grant)
        await tx.connectorState.put(person.id, 'k', 'v')
        await tx.audit.append(appendInput({ requestId: request.id }))
        await tx.audit.append(appendInput({ requestId: request.id }))
        expect((await tx.audit.head()).seq).toBe(head.seq + 2)
        throw boom
      })
      await expect(outcome).rejects.toBe(boom)
      expect(await ctx.store().identities.get(person.id)).toBeNull()
      expect(await ctx.store().requests.get(request.id)).toBeNull()
      expect(await ctx.store().grants.get(grant.id)).toBeNull()
      expect(await ctx.store().connectorState.get(person.id, 'k')).toBeNull()
      expect(
        await ctx.store().requests.list({ reviewerId: request.eligibleReviewers[0]! }),
      ).not.toContainEqual(expect.objectContaining({ id: request.id }))
      expect(await ctx.store().audit.head()).toEqual(head)
      expect(
        await ctx.store().audit.list({ afterSeq: 0, limit: 100_000, requestId: request.id }),
      ).toEqual([])
    })

    it('an AppError thrown inside keeps its identity and code', async () => {
      const conflict = new AppError('request.concurrent_update', 'Someone else changed the request')
      await expect(ctx.store().transaction(() => Promise.reject(conflict))).rejects.toBe(conflict)
    })

    it('a failed audit append fails the transaction with audit.write_failed and keeps nothing', async () => {
      const head = await ctx.store().audit.head()
      const person = anIdentity()
      const error = await ctx
        .store()
        .transaction(async (tx) => {
          await tx.identities.insert(person)
          // NaN has no canonical JSON encoding: the append cannot be hashed.
          await tx.audit.append(appendInput({ data: { ratio: Number.NaN } }))
        })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).code).toBe('audit.write_failed')
      expect(await ctx.store().identities.get(person.id)).toBeNull()
      expect(await ctx.store().audit.head()).toEqual(head)
    })

    it('refuses the store’s own repositories or a nested transaction inside a transaction', async () => {
      const errors = await ctx.store().transaction(async () => {
        const direct = await ctx
          .store()
          .identities.get('fx-alice')
          .catch((e: unknown) => e)
        const nested = await ctx
          .store()
          .transaction(() => Promise.resolve(1))
          .catch((e: unknown) => e)
        return [direct, nested]
      })
      for (const error of errors) {
        expect(error).toBeInstanceOf(AppError)
        expect((error as AppError).code).toBe('internal')
      }
      expect(await ctx.store().identities.get('fx-alice')).not.toBeNull()
    })

    it('ping answers, and a closed store reports store.unavailable', async () => {
      await expect(ctx.store().ping()).resolves.toBeUndefined()
      const closed = await ctx.open()
      await closed.close()
      for (const call of [
        () => closed.ping(),
        () => closed.grants.get('x'),
        () => closed.transaction(() => Promise.resolve()),
      ]) {
        const error = await call().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(AppError)
        expect((error as AppError).code).toBe('store.unavailable')
        expect((error as AppError).message).toBe('The database is unavailable')
      }
    })

    it('concurrent transactions on one store all commit, each with its own writes', async () => {
      const before = await ctx.store().audit.head()
      const key = uniqueId('t')
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ctx.store().transaction(async (tx) => {
            await tx.connectorState.put(key, `k${i}`, `v${i}`)
            await tx.audit.append(appendInput({ data: { i } }))
          }),
        ),
      )
      for (let i = 0; i < 10; i++)
        expect(await ctx.store().connectorState.get(key, `k${i}`)).toBe(`v${i}`)
      expect(await eventIdsAfter(ctx.store(), before.seq)).toHaveLength(10)
    })

    it('an identity read with getHeld makes an update from elsewhere wait until the transaction ends', async () => {
      const person = anIdentity()
      await ctx.store().identities.insert(person)
      const other = await ctx.open()
      let updated: Promise<boolean> | undefined
      let updatedWhileHeld = false
      await ctx.store().transaction(async (tx) => {
        expect(await tx.identities.getHeld(person.id)).toEqual(person)
        expect(await tx.identities.getHeld(uniqueId('nobody'))).toBeNull()
        updated = other.identities.update({ ...person, status: 'suspended' }, person.version)
        void updated.then(() => (updatedWhileHeld = true))
        // Long enough for an update that does not wait to be done; not a timed assertion.
        await new Promise((resolve) => setTimeout(resolve, 300))
        expect(updatedWhileHeld).toBe(false)
        await tx.audit.append(appendInput())
      })
      expect(await updated).toBe(true)
      expect((await ctx.store().identities.get(person.id))?.status).toBe('suspended')
    })

    it('a catalog change waits for a transaction that holds the catalog, and holds later ones off', async () => {
      const target = aTarget()
      const entitlement = anEntitlement({ targetId: target.id })
      await ctx.store().transaction(async (tx) => {
        await tx.catalog.upsertTarget(target)
        await tx.catalog.upsertEntitlement(entitlement)
      })
      const other = await ctx.open()
      const retiered = { ...entitlement, riskTier: 'high' as const }
      let changed: Promise<void> | undefined
      let changedWhileHeld = false
      await ctx.store().transaction(async (tx) => {
        expect(await tx.catalog.getEntitlementWithTarget(entitlement.id)).toEqual({ entitlement, target })
        changed = other.transaction(async (change) => {
          await change.catalog.lockForChange()
          await change.catalog.upsertEntitlement(retiered)
        })
        void changed.then(() => (changedWhileHeld = true))
        // Long enough for a change that does not wait to be done; not a timed assertion.
        await new Promise((resolve) => setTimeout(resolve, 300))
        expect(changedWhileHeld).toBe(false)
        await tx.audit.append(appendInput())
      }, { holdCatalog: true })
      await changed
      expect((await ctx.store().catalog.getEntitlement(entitlement.id))?.riskTier).toBe('high')

      // The other way round: a change in progress holds off a transaction that holds the catalog,
      // which then reads the change.
      const restored = { ...entitlement, riskTier: 'low' as const }
      let read: Promise<unknown> | undefined
      await other.transaction(async (change) => {
        await change.catalog.lockForChange()
        await change.catalog.upsertEntitlement(restored)
        read = ctx.store().transaction((tx) => tx.catalog.getEntitlementWithTarget(entitlement.id), { holdCatalog: true })
        await new Promise((resolve) => setTimeout(resolve, 300))
      })
      expect(await read).toMatchObject({ entitlement: { riskTier: 'low' } })
    })
  })
}
