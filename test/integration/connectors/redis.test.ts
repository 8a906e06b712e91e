import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { inspect } from 'node:util'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Secret } from '../../../src/config/secret.js'
import { ConnectorError, type GrantSpec } from '../../../src/connectors/connector.js'
import type { RedisConnectorInstance } from '../../../src/connectors/redis/index.js'
import { describeConnectorContract, type Access } from '../../contracts/connector.contract.js'
import {
  loginWith,
  redisClient,
  redisConnectorFor,
  startRedis,
  type RunningRedis,
} from '../../support/redis-service.js'

const redis = await startRedis()
const MINUTE = 60_000
const options = () => ({ signal: AbortSignal.timeout(10_000) })
const READ_APP = { keyPatterns: ['app:*'], categories: ['read'] }

function spec(params: Record<string, unknown> = READ_APP): GrantSpec {
  const grantId = `grt_${randomBytes(8).toString('hex')}`
  return {
    grantId,
    targetName: `hg_${grantId}`,
    subjectId: 'idn_alice',
    entitlementId: 'cache-read',
    params,
    startsAt: new Date(),
    expiresAt: new Date(Date.now() + 30 * MINUTE),
  }
}

/** Runs one command as the credential's holder: 'denied' for a refused login or NOPERM. */
async function run(credential: Secret, ...argv: [string, ...string[]]): Promise<Access> {
  const client = await loginWith(credential)
  if (client === 'denied') return 'denied'
  try {
    await client.call(argv[0], argv.slice(1))
    return 'allowed'
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOPERM')) return 'denied'
    throw error
  } finally {
    client.disconnect()
  }
}

function asRoot(server: RunningRedis): Promise<Redis> {
  const client = redisClient(server, server.rootUser, server.rootPassword)
  return client.connect().then(() => client)
}

describe.skipIf(redis === null)('redis connector', () => {
  const server = redis as RunningRedis
  let root: Redis
  beforeAll(async () => {
    root = await asRoot(server)
    await root.call('SET', ['app:1', 'one'])
  })
  afterAll(async () => {
    root.disconnect()
    await server.stop()
  })

  describeConnectorContract('redis', () => {
    const instance = redisConnectorFor(server)
    return Promise.resolve({
      instance,
      spec: () => spec(),
      use: (credential: Secret) => run(credential, 'GET', 'app:1'),
      teardown: () => instance.close(),
    })
  })

  describe('against the real server', () => {
    let instance: RedisConnectorInstance
    beforeAll(() => {
      instance = redisConnectorFor(server)
    })
    afterAll(() => instance.close())

    it('grants exactly the entitlement: reads on app:* and nothing dangerous', async () => {
      const { credential } = await instance.issue(spec(), options())
      expect(await run(credential, 'GET', 'app:1')).toBe('allowed')
      expect(await run(credential, 'SET', 'app:1', 'changed')).toBe('denied')
      expect(await run(credential, 'GET', 'other:1')).toBe('denied')
      const dangerous: [string, ...string[]][] = [
        ['CONFIG', 'GET', 'maxmemory'],
        ['FLUSHALL'],
        ['KEYS', '*'],
      ]
      for (const argv of dangerous) expect(await run(credential, ...argv)).toBe('denied')
      expect(await root.call('GET', ['app:1'])).toBe('one')
    })

    it('adds write, pub/sub channels and named commands only where asked', async () => {
      const params = {
        keyPatterns: ['app:*'],
        categories: ['read', 'write', 'pubsub'],
        commands: ['ping'],
        channels: ['news.*'],
      }
      const { credential } = await instance.issue(spec(params), options())
      expect(await run(credential, 'SET', 'app:2', 'two')).toBe('allowed')
      expect(await run(credential, 'PING')).toBe('allowed')
      expect(await run(credential, 'PUBLISH', 'news.today', 'hi')).toBe('allowed')
      expect(await run(credential, 'PUBLISH', 'gossip', 'hi')).toBe('denied')
      expect(await run(credential, 'SET', 'other:2', 'x')).toBe('denied')
      expect(await run(credential, 'FLUSHALL')).toBe('denied')
      expect(await run(credential, 'FLUSHDB')).toBe('denied')
    })

    it('replaces the password on re-issue and converges a tampered user on the rules', async () => {
      const grant = spec()
      const first = await instance.issue(grant, options())
      const user = String(first.handle.user)
      await root.call('ACL', ['SETUSER', user, 'nopass', '~*', '&*', '+@all', '(~x:* +get)'])
      const again = await instance.issue(grant, options())
      expect(await run(first.credential, 'GET', 'app:1')).toBe('denied')
      expect(await run(again.credential, 'GET', 'app:1')).toBe('allowed')
      expect(await run(again.credential, 'GET', 'other:1')).toBe('denied')
      const described = await root.call('ACL', ['GETUSER', user])
      expect(described).toContain('~app:*')
      expect(JSON.stringify(described)).not.toMatch(/nopass|~\*|\+@all|~x:/)
    })

    it('cuts a connection the user already has open when the grant is revoked', async () => {
      const issued = await instance.issue(spec(), options())
      const client = await loginWith(issued.credential)
      if (client === 'denied') throw new Error('the issued credential was refused')
      try {
        expect(await client.call('GET', ['app:1'])).toBe('one')
        await instance.revoke(issued.handle, options())
        await expect(client.call('GET', ['app:1'])).rejects.toThrow()
      } finally {
        client.disconnect()
      }
      expect(await instance.inspect(issued.handle, options())).toBe('gone')
    })

    it('refuses a grant whose window has already ended', async () => {
      const ended = { ...spec(), expiresAt: new Date(Date.now() - 1000) }
      const error = await instance.issue(ended, options()).catch((e: unknown) => e)
      expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    })

    it('gives instructions that name the user and expiry but never the password', async () => {
      const issued = await instance.issue(spec(), options())
      expect(issued.instructions).toContain(`--user ${String(issued.handle.user)} --askpass`)
      expect(issued.instructions).toContain(issued.expiresAt.toISOString())
      const uri = new URL(issued.credential.reveal())
      expect(uri.protocol).toBe('redis:')
      expect(issued.instructions).not.toContain(decodeURIComponent(uri.password))
      expect(issued.handle).toEqual({
        user: String(issued.handle.user),
        keyPatterns: ['app:*'],
        categories: ['read'],
      })
    })

    it('passes verifyConfig with the documented admin rules', async () => {
      await instance.verifyConfig(options())
    })

    it('fails verifyConfig for an admin missing a privilege, naming what is missing', async () => {
      const password = randomBytes(12).toString('hex')
      await root.call('ACL', [
        'SETUSER',
        'weak',
        'on',
        `>${password}`,
        '+acl|whoami',
        '+acl|dryrun',
      ])
      const weak = redisConnectorFor(server, { username: 'weak', password })
      try {
        const error = await weak.verifyConfig(options()).catch((e: unknown) => e)
        expect(error).toMatchObject({ reason: 'rejected', retryable: false })
        expect(String(error)).toMatch(/acl setuser.*client kill/)
      } finally {
        await weak.close()
        await root.call('ACL', ['DELUSER', 'weak'])
      }
    })

    it('refuses a wrong admin password as rejected, not as retryable', async () => {
      const wrong = redisConnectorFor(server, { password: 'not-the-password' })
      try {
        const error = await wrong.verifyConfig(options()).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(ConnectorError)
        expect(error).toMatchObject({ reason: 'rejected', retryable: false })
      } finally {
        await wrong.close()
      }
    })
  })

  describe('with persistAcl', () => {
    let instance: RedisConnectorInstance
    afterEach(() => instance.close())

    it('saves the aclfile after issue and after revoke, with no clear password in it', async () => {
      instance = redisConnectorFor(server, { persistAcl: true })
      await instance.verifyConfig(options())
      const issued = await instance.issue(spec(), options())
      const user = String(issued.handle.user)
      const password = decodeURIComponent(new URL(issued.credential.reveal()).password)
      const saved = await readFile(server.aclFile, 'utf8')
      expect(saved).toMatch(new RegExp(`^user ${user} on .*~app:\\*`, 'm'))
      expect(saved).not.toContain(password)

      await instance.revoke(issued.handle, options())
      expect(await readFile(server.aclFile, 'utf8')).not.toContain(`user ${user} `)
    })
  })

  describe('never leaks a password through an error', () => {
    it('keeps the admin and issued passwords out of everything it throws', async () => {
      const instance = redisConnectorFor(server)
      const wrong = redisConnectorFor(server, { password: `${server.adminPassword}-old` })
      const closed = redisConnectorFor(server, { port: 1 })
      try {
        const issued = await instance.issue(spec(), options())
        const issuedPassword = decodeURIComponent(new URL(issued.credential.reveal()).password)
        const admin = { key: `user:${server.adminUser}`, grantId: null, privileges: [] }
        const errors = await Promise.all(
          [
            wrong.issue(spec(), options()),
            wrong.revoke(issued.handle, options()),
            wrong.list({ params: [READ_APP] }, options()),
            closed.issue(spec(), options()),
            instance.issue(spec({ keyPatterns: ['*'], categories: ['read'] }), options()),
            instance.removeAccess({ ...admin, principal: server.adminUser }, options()),
            instance.revoke({ user: 'default', keyPatterns: [], categories: [] }, options()),
          ].map((p) =>
            p.then(
              () => new Error('expected a failure'),
              (e: unknown) => e,
            ),
          ),
        )
        for (const error of errors) {
          expect(error).toBeInstanceOf(ConnectorError)
          const text = inspect(error, { showHidden: true, depth: null })
          for (const secret of [server.adminPassword, issuedPassword]) {
            expect(text).not.toContain(secret)
          }
        }
        await instance.revoke(issued.handle, options())
      } finally {
        await Promise.all([instance.close(), wrong.close(), closed.close()])
      }
    })
  })
})
