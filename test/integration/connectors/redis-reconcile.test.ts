import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GrantSpec } from '../../../src/connectors/connector.js'
import { userNameFor, type RedisConnectorInstance } from '../../../src/connectors/redis/index.js'
import {
  redisClient,
  redisConnectorFor,
  startRedis,
  type RunningRedis,
} from '../../support/redis-service.js'

const redis = await startRedis()
const options = () => ({ signal: AbortSignal.timeout(10_000) })
const ORDERS = { keyPatterns: ['orders:*'], categories: ['read'] }
const SESSIONS = { keyPatterns: ['session:{eu}:*'], categories: ['read', 'write'] }

function spec(grantId: string): GrantSpec {
  return {
    grantId,
    targetName: `hg_${grantId}`,
    subjectId: 'idn_carol',
    entitlementId: 'orders-read',
    params: ORDERS,
    startsAt: new Date(),
    expiresAt: new Date(Date.now() + 10 * 60_000),
  }
}

describe.skipIf(redis === null)('redis connector reconciliation', () => {
  const server = redis as RunningRedis
  const grantId = `grt_${randomBytes(6).toString('hex')}`
  const lingeringId = `grt_Gone.${randomBytes(3).toString('hex')}`
  let root: Redis
  let instance: RedisConnectorInstance

  const acl = (...args: string[]) => root.call('ACL', args)
  const entries = () => instance.list({ params: [ORDERS, SESSIONS] }, options())

  beforeAll(async () => {
    root = redisClient(server, server.rootUser, server.rootPassword)
    await root.connect()
    instance = redisConnectorFor(server)
    await instance.issue(spec(grantId), options())
    // What reconciliation has to find besides the grant it knows about:
    await acl('SETUSER', 'ops_by_hand', 'on', '>handmade', '~orders:2024:*', '+get')
    await acl('SETUSER', 'eu_sessions', 'on', 'nopass', '%R~session:*', '+@read')
    await acl('SETUSER', 'selector_user', 'on', '>s', '~metrics:*', '(~orders:[0-9]* +get)')
    await acl('SETUSER', 'everything', 'on', '>e', '~*', '+@all')
    await acl('SETUSER', 'unrelated', 'on', '>u', '~metrics:*', '+get')
    await acl('SETUSER', userNameFor('hg_', lingeringId) ?? '', 'on', '>l', '~old:*', '+get')
  })
  afterAll(async () => {
    root.disconnect()
    await instance.close()
    await server.stop()
  })

  it('lists managed users with their grant and hand-made users that reach granted keys', async () => {
    const found = await entries()
    const byPrincipal = new Map(found.map((e) => [e.principal, e]))
    expect([...byPrincipal.keys()].sort()).toEqual(
      [
        'eu_sessions',
        'everything',
        'ops_by_hand',
        // The fixtures' own superuser reaches every key: shadow access like any other.
        server.rootUser,
        'selector_user',
        userNameFor('hg_', grantId),
        userNameFor('hg_', lingeringId),
      ].sort(),
    )
    expect(byPrincipal.get(userNameFor('hg_', grantId) ?? '')).toEqual({
      key: `user:${userNameFor('hg_', grantId) ?? ''}`,
      principal: userNameFor('hg_', grantId),
      grantId,
      privileges: expect.arrayContaining(['~orders:*', '-@all']) as unknown,
    })
    expect(byPrincipal.get(userNameFor('hg_', lingeringId) ?? '')?.grantId).toBe(lingeringId)
    expect(byPrincipal.get('ops_by_hand')).toEqual({
      key: 'user:ops_by_hand',
      principal: 'ops_by_hand',
      grantId: null,
      privileges: ['+get', '-@all', '~orders:2024:*'],
    })
    expect(byPrincipal.get('eu_sessions')?.privileges).toContain('nopass')
    expect(found.map((e) => e.key)).toEqual([...found.map((e) => e.key)].sort())
  })

  it('never lists the connector’s own admin user or default', async () => {
    const principals = (await entries()).map((e) => e.principal)
    expect(principals).not.toContain(server.adminUser)
    expect(principals).not.toContain('default')
  })

  it('removes a hand-made user and its connections, and refuses the admin and default', async () => {
    const entry = (await entries()).find((e) => e.principal === 'ops_by_hand')
    if (entry === undefined) throw new Error('ops_by_hand was not listed')
    await instance.removeAccess(entry, options())
    await instance.removeAccess(entry, options())
    expect(await acl('GETUSER', 'ops_by_hand')).toBeNull()
    expect((await entries()).map((e) => e.principal)).not.toContain('ops_by_hand')

    for (const principal of [server.adminUser, 'default']) {
      const forged = { key: `user:${principal}`, principal, grantId: null, privileges: [] }
      const error = await instance.removeAccess(forged, options()).catch((e: unknown) => e)
      expect(error).toMatchObject({ reason: 'rejected', retryable: false })
      expect(await acl('GETUSER', principal)).not.toBeNull()
    }
  })

  it('lists nothing hand-made when no entitlement reaches the keys', async () => {
    const found = await instance.list({ params: [] }, options())
    expect(found.every((e) => e.grantId !== null)).toBe(true)
  })
})
