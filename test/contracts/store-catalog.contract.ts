import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/domain/errors.js'
import {
  after,
  aTarget,
  anApiToken,
  anEntitlement,
  anIdentity,
  aWorkload,
  DAY,
  FIXTURE,
  uniqueId,
} from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

/** Identities, catalog, API tokens and connector state. */
export function describeCatalogContract(ctx: StoreContext): void {
  describe('identities', () => {
    it('round-trips a person and a workload with every field', async () => {
      const person = anIdentity({
        groups: ['engineering', 'sre'],
        oidcIssuer: 'https://idp.example.test',
        oidcSubject: uniqueId('sub'),
        createdAt: new Date('2030-01-02T03:04:05.678Z'),
        updatedAt: new Date('2030-01-03T03:04:05.679Z'),
        version: 3,
      })
      const workload = aWorkload({ groups: [] })
      await ctx.store().identities.insert(person)
      await ctx.store().identities.insert(workload)
      expect(await ctx.store().identities.get(person.id)).toEqual(person)
      expect(await ctx.store().identities.get(workload.id)).toEqual(workload)
      expect(await ctx.store().identities.get(uniqueId('nobody'))).toBeNull()
    })

    it('finds an identity by OIDC issuer and subject, both exactly', async () => {
      const subject = uniqueId('sub')
      const person = anIdentity({ oidcIssuer: 'https://idp.example.test', oidcSubject: subject })
      await ctx.store().identities.insert(person)
      expect(await ctx.store().identities.getByOidc('https://idp.example.test', subject)).toEqual(
        person,
      )
      expect(
        await ctx.store().identities.getByOidc('https://other.example.test', subject),
      ).toBeNull()
      expect(
        await ctx.store().identities.getByOidc('https://idp.example.test', `${subject}x`),
      ).toBeNull()
    })

    it('refuses a second identity with the same id as identity.exists', async () => {
      const person = anIdentity()
      await ctx.store().identities.insert(person)
      const error = await ctx
        .store()
        .identities.insert({ ...person, displayName: 'Impostor' })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).code).toBe('identity.exists')
      expect((await ctx.store().identities.get(person.id))?.displayName).toBe(person.displayName)
    })

    it('filters by kind and by owner', async () => {
      const owner = anIdentity()
      await ctx.store().identities.insert(owner)
      const mine = [
        aWorkload({ ownerId: owner.id }),
        aWorkload({ ownerId: owner.id, kind: 'service_account' }),
      ]
      for (const w of mine) await ctx.store().identities.insert(w)
      const owned = await ctx.store().identities.list({ ownerId: owner.id })
      expect(owned.map((i) => i.id).sort()).toEqual(mine.map((i) => i.id).sort())
      const accounts = await ctx
        .store()
        .identities.list({ kind: 'service_account', ownerId: owner.id })
      expect(accounts.map((i) => i.id)).toEqual([mine[1]!.id])
      const all = await ctx.store().identities.list()
      expect(all.map((i) => i.id)).toEqual(
        expect.arrayContaining([owner.id, ...mine.map((i) => i.id)]),
      )
    })

    it('lists active humans by exact group membership', async () => {
      const group = uniqueId('grp')
      const member = anIdentity({ groups: ['other', group] })
      const nearMiss = anIdentity({ groups: [`${group}x`, group.slice(0, -1)] })
      const suspended = anIdentity({ groups: [group], status: 'suspended' })
      const workload = aWorkload({ groups: [group] })
      for (const i of [member, nearMiss, suspended, workload])
        await ctx.store().identities.insert(i)
      const found = await ctx.store().identities.listActiveHumansInGroups([group, uniqueId('grp')])
      expect(found).toEqual([member])
      expect(await ctx.store().identities.listActiveHumansInGroups([])).toEqual([])
    })

    it('updates with compare-and-swap on version, including group membership', async () => {
      const group = uniqueId('grp')
      const person = anIdentity({ groups: ['engineering'] })
      await ctx.store().identities.insert(person)
      const moved = { ...person, groups: [group], updatedAt: after(DAY), version: 2 }
      expect(await ctx.store().identities.update(moved, 1)).toBe(true)
      expect(await ctx.store().identities.update({ ...person, displayName: 'Stale' }, 1)).toBe(
        false,
      )
      expect(await ctx.store().identities.get(person.id)).toEqual(moved)
      expect(await ctx.store().identities.listActiveHumansInGroups([group])).toEqual([moved])
      expect(
        await ctx.store().identities.listActiveHumansInGroups(['engineering']),
      ).not.toContainEqual(expect.objectContaining({ id: person.id }))
    })
  })

  describe('catalog', () => {
    it('round-trips targets and entitlements, JSON included', async () => {
      const target = aTarget({
        config: { host: 'db', port: 5432, tls: { mode: 'verify-full' }, tags: ['a'] },
      })
      await ctx.store().catalog.upsertTarget(target)
      const entitlement = anEntitlement({
        targetId: target.id,
        riskTier: 'critical',
        owners: ['o1', 'o2'],
        params: { role: 'admin', schemas: ['public', 'billing'], nested: { ttl: null } },
        subjectKinds: ['human', 'workload'],
      })
      await ctx.store().catalog.upsertEntitlement(entitlement)
      expect(await ctx.store().catalog.getTarget(target.id)).toEqual(target)
      expect(await ctx.store().catalog.getEntitlement(entitlement.id)).toEqual(entitlement)
      expect(await ctx.store().catalog.listTargets()).toContainEqual(target)
      expect(await ctx.store().catalog.listEntitlements()).toContainEqual(entitlement)
      expect(await ctx.store().catalog.getTarget(uniqueId('none'))).toBeNull()
      expect(await ctx.store().catalog.getEntitlement(uniqueId('none'))).toBeNull()
      // Both in one read, in and out of a transaction.
      expect(await ctx.store().catalog.getEntitlementWithTarget(entitlement.id)).toEqual({ entitlement, target })
      expect(
        await ctx.store().transaction((tx) => tx.catalog.getEntitlementWithTarget(entitlement.id)),
      ).toEqual({ entitlement, target })
      expect(await ctx.store().catalog.getEntitlementWithTarget(uniqueId('none'))).toBeNull()
    })

    it('upserts in place and keeps the original creation time', async () => {
      const target = aTarget()
      await ctx.store().catalog.upsertTarget(target)
      const renamed = {
        ...target,
        name: 'Renamed',
        config: { host: 'db2' },
        createdAt: after(DAY),
        updatedAt: after(DAY),
      }
      await ctx.store().catalog.upsertTarget(renamed)
      expect(await ctx.store().catalog.getTarget(target.id)).toEqual({
        ...renamed,
        createdAt: target.createdAt,
      })

      const entitlement = anEntitlement()
      await ctx.store().catalog.upsertEntitlement(entitlement)
      const retiered = {
        ...entitlement,
        riskTier: 'high' as const,
        maxDurationSeconds: 900,
        createdAt: after(DAY),
        updatedAt: after(DAY),
      }
      await ctx.store().catalog.upsertEntitlement(retiered)
      expect(await ctx.store().catalog.getEntitlement(entitlement.id)).toEqual({
        ...retiered,
        createdAt: entitlement.createdAt,
      })
    })

    it('refuses an entitlement on a target that does not exist', async () => {
      await expect(
        ctx.store().catalog.upsertEntitlement(anEntitlement({ targetId: uniqueId('ghost') })),
      ).rejects.toThrow()
    })
  })

  describe('API tokens', () => {
    it('finds a token by its hash only', async () => {
      const token = anApiToken()
      const never = anApiToken({ expiresAt: null })
      await ctx.store().tokens.insert(token)
      await ctx.store().tokens.insert(never)
      expect(await ctx.store().tokens.getByHash(token.tokenHash)).toEqual(token)
      expect(await ctx.store().tokens.getByHash(never.tokenHash)).toEqual(never)
      expect(await ctx.store().tokens.getByHash(token.tokenHash.toUpperCase())).toBeNull()
      expect(await ctx.store().tokens.getByHash(token.id)).toBeNull()
    })

    it('finds a token with its identity, every field of both, by the hash only', async () => {
      const human = anIdentity({ groups: ['ops', 'sre'], oidcIssuer: 'https://idp.test', oidcSubject: uniqueId('sub') })
      const workload = aWorkload({ updatedAt: after(DAY), version: 3 })
      await ctx.store().identities.insert(human)
      await ctx.store().identities.insert(workload)
      for (const identity of [human, workload]) {
        const token = anApiToken({ identityId: identity.id, expiresAt: null })
        await ctx.store().tokens.insert(token)
        expect(await ctx.store().tokens.getByHashWithIdentity(token.tokenHash)).toEqual({ token, identity })
        // A store that has cached nothing yet reads the same.
        const other = await ctx.open()
        expect(await other.tokens.getByHashWithIdentity(token.tokenHash)).toEqual({ token, identity })
      }
      expect(await ctx.store().tokens.getByHashWithIdentity(uniqueId('hash'))).toBeNull()
      const suspended = { ...human, status: 'suspended' as const, updatedAt: after(DAY) }
      expect(await ctx.store().identities.update(suspended, human.version)).toBe(true)
      const [token] = await ctx.store().tokens.listForIdentity(human.id)
      expect((await ctx.store().tokens.getByHashWithIdentity(token!.tokenHash))?.identity).toEqual({
        ...suspended,
        version: human.version + 1,
      })
    })

    it('refuses two tokens with the same hash', async () => {
      const token = anApiToken()
      await ctx.store().tokens.insert(token)
      await expect(
        ctx.store().tokens.insert(anApiToken({ tokenHash: token.tokenHash })),
      ).rejects.toThrow()
    })

    it('lists an identity’s tokens and revokes each once', async () => {
      const owner = anIdentity()
      await ctx.store().identities.insert(owner)
      const first = anApiToken({ identityId: owner.id })
      const second = anApiToken({ identityId: owner.id, createdAt: after(DAY) })
      await ctx.store().tokens.insert(second)
      await ctx.store().tokens.insert(first)
      expect(await ctx.store().tokens.listForIdentity(owner.id)).toEqual([first, second])
      expect(await ctx.store().tokens.revoke(first.id, after(2 * DAY))).toBe(true)
      expect(await ctx.store().tokens.revoke(first.id, after(3 * DAY))).toBe(false)
      expect(await ctx.store().tokens.revoke(uniqueId('tok'), after(3 * DAY))).toBe(false)
      expect((await ctx.store().tokens.getByHash(first.tokenHash))?.revokedAt).toEqual(
        after(2 * DAY),
      )
      expect((await ctx.store().tokens.getByHash(second.tokenHash))?.revokedAt).toBeNull()
    })
  })

  describe('connector state', () => {
    it('keeps values per target and key; put overwrites', async () => {
      const target = uniqueId('t')
      expect(await ctx.store().connectorState.get(target, 'krl')).toBeNull()
      await ctx.store().connectorState.put(target, 'krl', 'v1')
      await ctx.store().connectorState.put(target, 'krl', 'v2')
      await ctx.store().connectorState.put(FIXTURE.targetId, 'krl', 'other target')
      expect(await ctx.store().connectorState.get(target, 'krl')).toBe('v2')
      expect(await ctx.store().connectorState.get(target, 'KRL')).toBeNull()
    })

    it('putIfAbsent keeps the first value and returns it', async () => {
      const target = uniqueId('t')
      expect(await ctx.store().connectorState.putIfAbsent(target, 'signing-key', 'first')).toBe(
        'first',
      )
      expect(await ctx.store().connectorState.putIfAbsent(target, 'signing-key', 'second')).toBe(
        'first',
      )
      expect(await ctx.store().connectorState.get(target, 'signing-key')).toBe('first')
    })

    it('putIfAbsent from two stores at once agrees on one winner', async () => {
      const other = await ctx.open()
      const target = uniqueId('t')
      const [a, b] = await Promise.all([
        ctx.store().connectorState.putIfAbsent(target, 'k', 'from-a'),
        other.connectorState.putIfAbsent(target, 'k', 'from-b'),
      ])
      expect(a).toBe(b)
      expect(await ctx.store().connectorState.get(target, 'k')).toBe(a)
    })
  })
}
