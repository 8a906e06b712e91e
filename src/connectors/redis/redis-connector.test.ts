import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConnectorError, type GrantSpec } from '../connector.js'
import { RedisReplyError, RedisTransportError, type RedisAclClient } from './client.js'
import { redisConfigSchema } from './config.js'
import { createRedisConnector } from './redis-connector.js'

type Reply = (argv: string[]) => unknown

/** Answers like a healthy Redis 7 that holds exactly what the last SETUSER asked for. */
function fakeRedis(overrides: Record<string, Reply> = {}) {
  const calls: string[][] = []
  let digest = ''
  const healthy: Record<string, Reply> = {
    'ACL SETUSER': (argv) => {
      digest = argv.find((a) => a.startsWith('#'))?.slice(1) ?? ''
      return 'OK'
    },
    'ACL GETUSER': () => [
      ...['flags', ['on', 'sanitize-payload'], 'passwords', [digest]],
      ...['commands', '-@all +@read -keys', 'keys', '~app:*', 'channels', '', 'selectors', []],
    ],
    'ACL DRYRUN': (argv) => `This user has no permissions to run the '${argv[3] ?? ''}' command`,
    'ACL DELUSER': () => 1,
    'CLIENT KILL': () => {
      throw new RedisReplyError("ERR No such user 'x'")
    },
    'ACL SAVE': () => 'OK',
  }
  const client: RedisAclClient = {
    call(command, ...args) {
      const argv = [command, ...args]
      calls.push(argv)
      const key = `${command} ${args[0] ?? ''}`
      const reply = overrides[key] ?? healthy[key]
      if (reply === undefined) return Promise.reject(new Error(`unexpected ${key}`))
      return new Promise((resolve) => {
        resolve(reply(argv))
      })
    },
    quit: () => Promise.resolve(),
  }
  return { client, calls, commands: () => calls.map((c) => `${c[0] ?? ''} ${c[1] ?? ''}`) }
}

const PASSWORD = 'admin-password-42'
const config = redisConfigSchema.parse({
  host: '10.0.0.7',
  username: 'hourglass',
  password: PASSWORD,
  persistAcl: true,
})
const deps = { now: () => new Date(), newId: (p: string) => `${p}_1`, state: undefined as never }
const options = () => ({ signal: AbortSignal.timeout(1000) })
const grant: GrantSpec = {
  grantId: 'grt_1',
  targetName: 'hg_grt_1',
  subjectId: 'idn_a',
  entitlementId: 'cache-read',
  params: { keyPatterns: ['app:*'], categories: ['read'] },
  startsAt: new Date(),
  expiresAt: new Date(Date.now() + 60_000),
}

function connector(fake: ReturnType<typeof fakeRedis>) {
  return createRedisConnector(config, deps, () => fake.client)
}

async function failure(operation: Promise<unknown>): Promise<ConnectorError> {
  const error = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConnectorError)
  return error as ConnectorError
}

describe('redis connector decisions', () => {
  it('sends each rule as its own argument and saves the aclfile', async () => {
    const fake = fakeRedis()
    const issued = await connector(fake).issue(grant, options())
    const setuser = fake.calls[0] ?? []
    expect(setuser.slice(0, 6)).toEqual([
      'ACL',
      'SETUSER',
      'hg_grt_1',
      'reset',
      'resetchannels',
      'on',
    ])
    expect(setuser[6]).toMatch(/^#[0-9a-f]{64}$/)
    expect(setuser.slice(7)).toEqual(['~app:*', '-@all', '+@read', '-@dangerous'])
    expect(fake.commands().at(-1)).toBe('ACL SAVE')
    expect(issued.credential.reveal()).toMatch(
      /^redis:\/\/hg_grt_1:[A-Za-z0-9_-]{43}@10\.0\.0\.7:6379$/,
    )
  })

  it('deletes the user and reports a conflict when the read-back differs', async () => {
    const fake = fakeRedis({
      'ACL GETUSER': () => ['flags', ['on', 'nopass'], 'passwords', [], 'commands', '+@all'],
    })
    const error = await failure(connector(fake).issue(grant, options()))
    expect(error).toMatchObject({ reason: 'conflict', retryable: false })
    expect(error.message).toMatch(/nopass/)
    expect(fake.commands()).toContain('ACL DELUSER')
  })

  it('deletes the user when a probe finds a dangerous command allowed', async () => {
    const fake = fakeRedis({ 'ACL DRYRUN': (argv) => (argv[3] === 'flushall' ? 'OK' : 'no') })
    const error = await failure(connector(fake).issue(grant, options()))
    expect(error.message).toMatch(/flushall is allowed/)
    expect(fake.commands()).toContain('ACL DELUSER')
  })

  it('maps refusals to rejected and transport failures to retryable unreachable', async () => {
    const refused = fakeRedis({
      'ACL SETUSER': () => {
        throw new RedisReplyError("NOPERM this user has no permissions to run the 'acl' command")
      },
    })
    expect(await failure(connector(refused).issue(grant, options()))).toMatchObject({
      reason: 'rejected',
      retryable: false,
    })
    const down = fakeRedis({
      'ACL DELUSER': () => {
        throw new RedisTransportError('connect ECONNREFUSED 10.0.0.7:6379')
      },
    })
    expect(await failure(connector(down).revoke({ user: 'hg_grt_1' }, options()))).toMatchObject({
      reason: 'unreachable',
      retryable: true,
    })
  })

  it('masks a digest that Redis echoes back in an error', async () => {
    const digest = 'ab'.repeat(32)
    const fake = fakeRedis({
      'ACL SETUSER': () => {
        throw new RedisReplyError(`ERR Error in ACL SETUSER modifier '#${digest}': Syntax error`)
      },
    })
    const error = await failure(connector(fake).issue(grant, options()))
    expect(inspect(error, { showHidden: true, depth: null })).not.toContain(digest)
  })

  it('keeps revoking after CLIENT KILL fails, saves, then reports', async () => {
    const fake = fakeRedis({
      'CLIENT KILL': () => {
        throw new RedisReplyError('BUSY Redis is busy running a script')
      },
    })
    const error = await failure(connector(fake).revoke({ grantId: 'grt_1' }, options()))
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    expect(fake.commands()).toEqual(['ACL DELUSER', 'CLIENT KILL', 'ACL SAVE'])
  })

  it('reports a user still present after DELUSER (T34)', async () => {
    const fake = fakeRedis({ 'ACL DELUSER': () => 0 })
    const error = await failure(connector(fake).revoke({ user: 'hg_grt_1' }, options()))
    expect(error).toMatchObject({ reason: 'conflict', retryable: true })
  })

  it.each([
    ['the admin user', { user: 'hourglass', keyPatterns: [], categories: [] }],
    ['the default user', { user: 'default', keyPatterns: [], categories: [] }],
    ['a name with a space', { user: 'a b', keyPatterns: [], categories: [] }],
    ['a handle of another kind', { jti: 'abc' }],
  ])('refuses to revoke %s without touching Redis', async (_name, handle) => {
    const fake = fakeRedis()
    const error = await failure(connector(fake).revoke(handle, options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(fake.calls).toEqual([])
  })

  it('refuses hostile params before anything reaches Redis', async () => {
    const fake = fakeRedis()
    const hostile = { ...grant, params: { keyPatterns: ['~*'], categories: ['all'] } }
    const error = await failure(connector(fake).issue(hostile, options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(fake.calls).toEqual([])
  })
})
