import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Identity } from '../../../src/domain/identity.js'
import type { ProvisionedUser } from '../../../src/domain/provisioning.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

const AT = new Date('2026-11-23T09:00:00Z')
const later = (seconds: number) => new Date(AT.getTime() + seconds * 1000)

function person(id: string, status: Identity['status'] = 'active'): Identity {
  return {
    id, kind: 'human', displayName: id, email: null, status, groups: [], ownerId: null, purpose: null,
    oidcIssuer: null, oidcSubject: null, createdAt: AT, updatedAt: AT, version: 1,
  }
}

function provisioned(identityId: string, userName: string, externalId: string | null = null): ProvisionedUser {
  return { identityId, userName, externalId, attributes: {}, createdAt: AT, updatedAt: AT }
}

/** The SCIM, nonce and exchange repositories behave the same on both engines. */
function describeIntegrationStore(name: string, open: () => Promise<Store>) {
  describe(`integration repositories: ${name}`, () => {
    let store: Store
    let other: Store
    beforeAll(async () => {
      store = await open()
      other = await open()
    })
    afterAll(async () => {
      await store.close()
      await other.close()
    })

    it('remembers a value once per scope, forgets expired values, and forgets on request', async () => {
      expect(await store.nonces.remember('ticket:generic', 'msg_1', later(300), AT)).toBe(true)
      expect(await store.nonces.remember('ticket:generic', 'msg_1', later(300), later(10))).toBe(false)
      expect(await store.nonces.remember('ticket:github', 'msg_1', later(300), AT)).toBe(true)
      // Past its expiry the value is pruned, so it can be remembered anew.
      expect(await store.nonces.remember('ticket:generic', 'msg_1', later(900), later(301))).toBe(true)
      await store.nonces.forget('ticket:github', 'msg_1')
      expect(await store.nonces.remember('ticket:github', 'msg_1', later(300), AT)).toBe(true)
    })

    it('lets exactly one of several concurrent transactions remember the same value', async () => {
      // SQLite is one process's embedded database: a second connection in the same event loop
      // would wait on the first synchronously, so there the transactions share one store.
      const second = name === 'postgres' ? other : store
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? store : second).transaction((tx) => tx.nonces.remember('jti:x', 'same', later(60), AT)),
        ),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    })

    it('keeps userNames unique case-insensitively and hides offboarded people from listings', async () => {
      for (const id of ['p-ann', 'p-ben', 'p-cat']) await store.identities.insert(person(id, id === 'p-cat' ? 'offboarded' : 'active'))
      await store.provisioning.insertUser(provisioned('p-ann', 'Ann@Example.com', 'ext-ann'))
      await store.provisioning.insertUser(provisioned('p-ben', 'ben', 'ext-ben'))
      await store.provisioning.insertUser(provisioned('p-cat', 'cat'))
      await expect(store.provisioning.insertUser(provisioned('p-ben', 'ANN@example.COM'))).rejects.toMatchObject({ code: 'scim.uniqueness' })
      expect((await store.provisioning.getUserByUserName('ann@example.com'))?.identityId).toBe('p-ann')
      const page = await store.provisioning.listUsers({ offset: 0, limit: 1 })
      expect(page.total).toBeGreaterThanOrEqual(2)
      expect(page.items).toHaveLength(1)
      const all = await store.provisioning.listUsers({ offset: 0, limit: 100 })
      expect(all.items.map((u) => u.identityId)).not.toContain('p-cat')
      expect((await store.provisioning.listUsers({ externalId: 'ext-ben', offset: 0, limit: 10 })).items.map((u) => u.identityId)).toEqual(['p-ben'])
    })

    it('compares group versions on update and delete', async () => {
      const group = { id: 'grp_t1', groupName: 'team-t1', displayName: 'Team T1', externalId: null, createdAt: AT, updatedAt: AT, version: 1 }
      await store.provisioning.insertGroup(group)
      await expect(store.provisioning.insertGroup({ ...group, id: 'grp_t2' })).rejects.toMatchObject({ code: 'scim.uniqueness' })
      expect(await store.provisioning.updateGroup({ ...group, displayName: 'T1' }, 1)).toBe(true)
      expect(await store.provisioning.updateGroup({ ...group, displayName: 'stale' }, 1)).toBe(false)
      expect((await store.provisioning.listGroups({ displayName: 't1', offset: 0, limit: 10 })).items.map((g) => g.id)).toEqual(['grp_t1'])
      expect(await store.provisioning.deleteGroup('grp_t1', 1)).toBe(false)
      expect(await store.provisioning.deleteGroup('grp_t1', 2)).toBe(true)
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'hourglass-integrations-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})
describeIntegrationStore('sqlite', () => openStore({ sqlitePath: join(dir, 'h.db') }))

const baseUrl = pgUrlOrSkip()
describe.skipIf(baseUrl === null)('on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> } | undefined
  beforeAll(async () => {
    database = await freshPgDatabase(baseUrl!)
  })
  afterAll(async () => {
    await database?.drop()
  })
  describeIntegrationStore('postgres', () => openStore({ databaseUrl: database!.url, poolSize: 4 }))
})
