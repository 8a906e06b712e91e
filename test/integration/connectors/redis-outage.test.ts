import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConnectorError, type GrantSpec } from '../../../src/connectors/connector.js'
import type { RedisConnectorInstance } from '../../../src/connectors/redis/index.js'
import {
  loginWith,
  redisClient,
  redisConnectorFor,
  startRedis,
  type RunningRedis,
} from '../../support/redis-service.js'

const redis = await startRedis()
const options = () => ({ signal: AbortSignal.timeout(10_000) })
/** T33: the host must hear "retry later" quickly, not hang its revocation worker. */
const FAIL_FAST_MS = 5000

function spec(): GrantSpec {
  const grantId = `grt_${randomBytes(8).toString('hex')}`
  return {
    grantId,
    targetName: `hg_${grantId}`,
    subjectId: 'idn_bob',
    entitlementId: 'cache-read',
    params: { keyPatterns: ['app:*'], categories: ['read'] },
    startsAt: new Date(),
    expiresAt: new Date(Date.now() + 10 * 60_000),
  }
}

async function failure(operation: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now()
  const error = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  return { error, ms: Date.now() - started }
}

async function userExists(server: RunningRedis, user: string): Promise<boolean> {
  const root: Redis = redisClient(server, server.rootUser, server.rootPassword)
  try {
    await root.connect()
    return (await root.call('ACL', ['GETUSER', user])) !== null
  } finally {
    root.disconnect()
  }
}

describe.skipIf(redis === null)('redis connector when the server is unavailable', () => {
  const server = redis as RunningRedis
  let instance: RedisConnectorInstance
  beforeEach(() => {
    // persistAcl: a restarted server reloads its aclfile, so the issued user comes back with it.
    instance = redisConnectorFor(server, { persistAcl: true, connectTimeoutMs: 1000 })
  })
  afterEach(async () => {
    server.resume()
    await instance.close()
  })
  afterAll(() => server.stop())

  it('reports a killed server as retryable and unreachable, then revokes once it is back', async () => {
    const issued = await instance.issue(spec(), options())
    const user = String(issued.handle.user)
    await server.kill()

    const { error, ms } = await failure(instance.revoke(issued.handle, options()))
    expect(error).toBeInstanceOf(ConnectorError)
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    expect(ms).toBeLessThan(FAIL_FAST_MS)

    await server.restart()
    expect(await userExists(server, user)).toBe(true)
    await instance.revoke(issued.handle, options())
    expect(await userExists(server, user)).toBe(false)
    expect(await loginWith(issued.credential)).toBe('denied')
  })

  it('gives up on a server that accepts connections but never answers', async () => {
    const issued = await instance.issue(spec(), options())
    // A fresh instance must connect, which a paused server lets happen but never completes.
    const fresh = redisConnectorFor(server, { connectTimeoutMs: 500 })
    server.pause()
    try {
      for (const operation of [
        () => instance.revoke(issued.handle, options()),
        () => fresh.revoke(issued.handle, options()),
      ]) {
        const { error, ms } = await failure(operation())
        expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
        expect(ms).toBeLessThan(FAIL_FAST_MS)
      }
    } finally {
      server.resume()
      await fresh.close()
    }
    await instance.revoke(issued.handle, options())
    expect(await userExists(server, String(issued.handle.user))).toBe(false)
  })

  it('stops waiting when the caller aborts, even while Redis hangs', async () => {
    const issued = await instance.issue(spec(), options())
    server.pause()
    const { error, ms } = await failure(
      instance.revoke(issued.handle, { signal: AbortSignal.timeout(200) }),
    )
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    expect(ms).toBeLessThan(900)
    server.resume()
    await instance.revoke(issued.handle, options())
  })
})
