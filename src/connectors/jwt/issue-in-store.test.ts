import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import { ConnectorError, type GrantSpec } from '../connector.js'
import { jwtConfigSchema } from './config.js'
import { createJwtConnector, jtiForGrant } from './jwt-connector.js'

const NOW = new Date('2031-03-04T05:06:07.000Z')
const options = () => ({ signal: new AbortController().signal })
const spec = (grantId = 'grt_1', params: Record<string, unknown> = { scopes: ['orders:read'] }): GrantSpec => ({
  grantId,
  targetName: `hg_${grantId}`,
  subjectId: 'idn_alice',
  entitlementId: 'orders-read',
  params,
  startsAt: NOW,
  expiresAt: new Date(NOW.getTime() + 3600_000),
})

/** `own` is the instance's state; `tx` stands for the caller's transaction over the same rows. */
function setup() {
  const own = new MemoryConnectorState()
  const config = jwtConfigSchema.parse({ issuer: 'https://hg.test', audience: 'https://api.test' })
  const instance = createJwtConnector(config, { now: () => NOW, newId: (p) => `${p}_1`, state: own })
  return { instance, own }
}

describe('jwt issueInStore', () => {
  it('writes what issuing writes to the state it is given, and not to its own', async () => {
    const { instance, own } = setup()
    const tx = new MemoryConnectorState()
    const issued = await instance.issueInStore(spec('grt_1', { scopes: ['orders:read'], audience: 'https://other.test' }), tx, options())
    expect(issued.handle).toMatchObject({ jti: jtiForGrant('grt_1') })
    // The signing key created on first use and the audience record went to the transaction only.
    expect(tx.entries().map(([key]) => key.split(':')[0]).sort()).toEqual(['audience', 'signing-key'])
    expect(own.entries()).toEqual([])
  })

  it('does not keep a key it created in a transaction that may roll back', async () => {
    const { instance, own } = setup()
    const rolledBack = new MemoryConnectorState()
    await instance.issueInStore(spec('grt_1'), rolledBack, options())
    // As if that transaction never committed: the key the next issue uses is the stored one.
    const issued = await instance.issue(spec('grt_2'), options())
    const { keys } = await instance.jwks()
    expect(issued.handle.kid).toBe(keys[0]!.kid)
    expect(await own.get('signing-key')).not.toBeNull()
    expect(await rolledBack.get('signing-key')).not.toBe(await own.get('signing-key'))
  })

  it('keeps a key it read (committed by someone), and signs what introspection accepts', async () => {
    const { instance, own } = setup()
    const stored = (await instance.jwks()).keys[0]!.kid
    const other = createJwtConnector(jwtConfigSchema.parse({ issuer: 'https://hg.test', audience: 'https://api.test' }), {
      now: () => NOW,
      newId: (p) => `${p}_1`,
      state: own,
    })
    const issued = await other.issueInStore(spec('grt_3'), own, options())
    expect(issued.handle.kid).toBe(stored)
    expect((await instance.introspect(issued.credential.reveal())).active).toBe(true)
  })

  it('refuses a grant whose token the given state lists as revoked', async () => {
    const { instance } = setup()
    const tx = new MemoryConnectorState()
    await tx.put(`revoked:${jtiForGrant('grt_4')}`, JSON.stringify({ exp: null, revokedAt: NOW.toISOString() }))
    const error = await instance.issueInStore(spec('grt_4'), tx, options()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectorError)
    expect((error as ConnectorError).reason).toBe('conflict')
  })

  it('reads no revocation record for a grant its caller has not committed yet', async () => {
    const { instance } = setup()
    const tx = new MemoryConnectorState()
    const read: string[] = []
    const get = tx.get.bind(tx)
    tx.get = (key: string) => {
      read.push(key)
      return get(key)
    }
    await instance.issueInStore({ ...spec('grt_5'), uncommitted: true }, tx, options())
    expect(read).not.toContain(`revoked:${jtiForGrant('grt_5')}`)
    expect(read).toContain('signing-key')
    read.length = 0
    await instance.issueInStore(spec('grt_6'), tx, options())
    expect(read).toContain(`revoked:${jtiForGrant('grt_6')}`)
  })
})
