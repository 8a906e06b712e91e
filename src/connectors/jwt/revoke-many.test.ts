import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import { ConnectorError, type ConnectorStateStore, type GrantSpec } from '../connector.js'
import { jwtConfigSchema } from './config.js'
import { createJwtConnector, jtiForGrant } from './jwt-connector.js'

const NOW = new Date('2031-03-04T05:06:07.000Z')
const options = () => ({ signal: new AbortController().signal })

function connector(state: ConnectorStateStore) {
  const config = jwtConfigSchema.parse({ issuer: 'https://hg.test', audience: 'https://api.test' })
  return createJwtConnector(config, { now: () => NOW, newId: (p) => `${p}_1`, state })
}

const spec = (grantId: string): GrantSpec => ({
  grantId,
  targetName: `hg_${grantId}`,
  subjectId: 'idn_alice',
  entitlementId: 'orders-read',
  params: { scopes: ['orders:read'] },
  startsAt: NOW,
  expiresAt: new Date(NOW.getTime() + 3_600_000),
})

/** The same store without its batch methods, as a connector state from before them would be. */
function withoutBatches(state: MemoryConnectorState): ConnectorStateStore {
  return {
    get: (k) => state.get(k),
    put: (k, v) => state.put(k, v),
    putIfAbsent: (k, v) => state.putIfAbsent(k, v),
  }
}

describe('jwt connector: revokeMany', () => {
  it.each([
    ['with batch writes', (s: MemoryConnectorState): ConnectorStateStore => s],
    ['one by one (a state store without batches)', withoutBatches],
  ])('revokes each token, verifies it gone, and answers per handle in order (%s)', async (_, wrap) => {
    const state = new MemoryConnectorState()
    const instance = connector(wrap(state))
    const a = await instance.issue(spec('grt_a'), options())
    const b = await instance.issue(spec('grt_b'), options())
    const outcomes = await instance.revokeMany!(
      [a.handle, { not: 'a handle' }, { grantId: 'grt_never_issued', targetName: 'x', intent: true }, b.handle],
      options(),
    )
    expect(outcomes.map((o) => (o.ok ? o.liveness : 'failed'))).toEqual(['gone', 'failed', 'gone', 'gone'])
    const refused = outcomes[1]
    expect(refused?.ok === false && refused.error).toBeInstanceOf(ConnectorError)
    for (const issued of [a, b]) {
      expect(await instance.introspect(issued.credential.reveal())).toEqual({ active: false })
    }
    // The intent handle's token identity is on the list too, so a late issue cannot mint it.
    const keys = state.entries().map(([k]) => k)
    expect(keys).toContain(`revoked:${jtiForGrant('grt_never_issued')}`)
    await expect(instance.issue(spec('grt_never_issued'), options())).rejects.toThrow(/already revoked/)
  })

  it('keeps the first revocation record when a token is revoked again', async () => {
    const state = new MemoryConnectorState()
    const instance = connector(state)
    const a = await instance.issue(spec('grt_a'), options())
    await instance.revoke(a.handle, options())
    const before = state.entries()
    const outcomes = await instance.revokeMany!([a.handle, a.handle], options())
    expect(outcomes).toEqual([
      { ok: true, liveness: 'gone' },
      { ok: true, liveness: 'gone' },
    ])
    expect(state.entries()).toEqual(before)
  })

  it('reports a state outage for every handle as retryable, never as gone', async () => {
    const healthy = new MemoryConnectorState()
    const instance = connector({
      get: (k) => healthy.get(k),
      put: (k, v) => healthy.put(k, v),
      putIfAbsent: (k, v) => healthy.putIfAbsent(k, v),
      putManyIfAbsent: () => Promise.reject(new Error('ECONNRESET')),
      getMany: (keys) => healthy.getMany(keys),
    })
    const a = await instance.issue(spec('grt_a'), options())
    const outcomes = await instance.revokeMany!([a.handle, a.handle], options())
    expect(outcomes).toHaveLength(2)
    for (const o of outcomes) {
      expect(o.ok).toBe(false)
      const error = o.ok ? null : o.error
      expect(error).toBeInstanceOf(ConnectorError)
      expect((error as ConnectorError).retryable).toBe(true)
    }
    expect((await instance.introspect(a.credential.reveal())).active).toBe(true)
  })

  it.each([
    ['read back by presence', (s: MemoryConnectorState) => ({ hasMany: (keys: readonly string[]) => s.hasMany(keys) })],
    ['read back by value (a store without hasMany)', (s: MemoryConnectorState) => ({ getMany: (keys: readonly string[]) => s.getMany(keys) })],
  ])('says live when the record cannot be read back after the write (%s)', async (_, readBack) => {
    const healthy = new MemoryConnectorState()
    const instance = connector({
      get: (k) => healthy.get(k),
      put: (k, v) => healthy.put(k, v),
      putIfAbsent: (k, v) => healthy.putIfAbsent(k, v),
      // A write that silently went nowhere.
      putManyIfAbsent: () => Promise.resolve(),
      ...readBack(healthy),
    })
    const a = await instance.issue(spec('grt_a'), options())
    expect(await instance.revokeMany!([a.handle], options())).toEqual([{ ok: true, liveness: 'live' }])
  })

  it('honours an aborted signal before writing anything', async () => {
    const state = new MemoryConnectorState()
    const instance = connector(state)
    const a = await instance.issue(spec('grt_a'), options())
    const before = state.entries()
    const aborted = new AbortController()
    aborted.abort()
    await expect(instance.revokeMany!([a.handle], { signal: aborted.signal })).rejects.toThrow()
    expect(state.entries()).toEqual(before)
  })
})

describe('jwt connector: revokeManyInStore', () => {
  it.each([
    ['with batch writes', (s: MemoryConnectorState): ConnectorStateStore => s],
    ['one by one (a state store without batches)', withoutBatches],
  ])('writes the records into the state it is given, not its own, and verifies them there (%s)', async (_, wrap) => {
    const own = new MemoryConnectorState()
    const instance = connector(own)
    const a = await instance.issue(spec('grt_a'), options())
    const before = own.entries().length
    // The host hands over the target's state inside the caller's transaction.
    const inTransaction = new MemoryConnectorState()
    const outcomes = await instance.revokeManyInStore!([a.handle, { not: 'a handle' }], wrap(inTransaction), options())
    expect(outcomes.map((o) => (o.ok ? o.liveness : 'failed'))).toEqual(['gone', 'failed'])
    expect(inTransaction.entries().map(([k]) => k)).toEqual([`revoked:${jtiForGrant('grt_a')}`])
    expect(own.entries()).toHaveLength(before)
  })

  it('reports a state store that fails as a failure per handle, retryable', async () => {
    const instance = connector(new MemoryConnectorState())
    const broken: ConnectorStateStore = {
      get: () => Promise.reject(new Error('disk gone')),
      put: () => Promise.reject(new Error('disk gone')),
      putIfAbsent: () => Promise.reject(new Error('disk gone')),
    }
    const outcomes = await instance.revokeManyInStore!([{ grantId: 'grt_x', targetName: 'x', intent: true }], broken, options())
    expect(outcomes).toHaveLength(1)
    const [only] = outcomes
    expect(only?.ok === false && only.error).toMatchObject({ reason: 'unreachable', retryable: true })
  })
})
