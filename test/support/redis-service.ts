/**
 * A throwaway redis-server for connector tests (STYLE §8, test-services.md §2): 127.0.0.1, a
 * free port, a temp dir with an aclfile where `default` is off, and two users with generated
 * passwords: the connector's admin, holding exactly the rules docs/connectors/redis.md
 * prescribes, and a root user for fixtures. It runs in the foreground as our child, so a test can
 * kill, pause and restart it by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import type { Secret } from '../../src/config/secret.js'
import { redactSecrets } from '../../src/connectors/redact-secrets.js'
import { redisConnector, type RedisConnectorInstance } from '../../src/connectors/redis/index.js'
import { MemoryConnectorState } from './memory-connector-state.js'
import { freePort, isCi } from './services.js'

/** The connector admin's command rules, as documented: user management and killing clients. */
export const CONNECTOR_ADMIN_RULES = [
  ...['resetkeys', 'resetchannels', '-@all'],
  ...['+acl|setuser', '+acl|deluser', '+acl|getuser', '+acl|users', '+acl|whoami'],
  ...['+acl|dryrun', '+acl|save', '+client|kill'],
]

export interface RunningRedis {
  host: string
  port: number
  adminUser: string
  adminPassword: string
  rootUser: string
  rootPassword: string
  aclFile: string
  /** A crash: SIGKILL; the aclfile keeps whatever was last saved. */
  kill(): Promise<void>
  /** Starts the server again on the same port, config and aclfile. */
  restart(): Promise<void>
  /** SIGSTOP / SIGCONT: the port still accepts connections, nothing answers. */
  pause(): void
  resume(): void
  stop(): Promise<void>
}

/** Debian installs here; PATH comes first so a developer's own build wins. */
const WELL_KNOWN_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin']
const START_TIMEOUT_MS = 10_000

/** Null (with a loud warning) when redis-server is not installed locally; under CI=true, throws. */
export async function startRedis(): Promise<RunningRedis | null> {
  const bin = await findRedisServer()
  if (bin === null) {
    const reason = 'no redis-server on PATH: install the redis-server package'
    if (isCi()) throw new Error(`CI=true and ${reason}`)
    console.warn(`\n!!! SKIPPING Redis connector tests: ${reason} !!!\n`)
    return null
  }
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-redis-'))
  try {
    return await launch(bin, dir)
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

/** A client logged in as the given user, failing fast like the connector's own. */
export function redisClient(
  at: { host: string; port: number },
  username: string,
  password: string,
): Redis {
  const client = new Redis({
    host: at.host,
    port: at.port,
    username,
    password,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    protocol: 2,
    enableReadyCheck: false,
    disableClientInfo: true,
    connectTimeout: 2000,
    commandTimeout: 2000,
  })
  client.on('error', () => undefined)
  return client
}

async function findRedisServer(): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...WELL_KNOWN_DIRS]
  for (const dir of dirs) {
    const candidate = join(dir, 'redis-server')
    const found = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    )
    if (found) return candidate
  }
  return null
}

async function launch(bin: string, dir: string): Promise<RunningRedis> {
  const adminPassword = randomBytes(18).toString('base64url')
  const rootPassword = randomBytes(18).toString('base64url')
  const aclFile = join(dir, 'users.acl')
  const digest = (pw: string) => `#${createHash('sha256').update(pw).digest('hex')}`
  await writeFile(
    aclFile,
    [
      'user default off',
      `user hourglass on ${digest(adminPassword)} ${CONNECTOR_ADMIN_RULES.join(' ')}`,
      `user root on ${digest(rootPassword)} ~* &* +@all`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  const host = '127.0.0.1'
  let child: ChildProcess | undefined
  let port = 0
  const start = async (): Promise<void> => {
    child = await spawnServer(bin, dir, port, () =>
      redisClient({ host, port }, 'root', rootPassword),
    )
  }
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child
    child = undefined
    if (current === undefined || !isAlive(current)) return
    const exited = new Promise((resolve) => current.once('exit', resolve))
    current.kill(signal)
    await Promise.race([exited, sleep(5000)])
    if (isAlive(current)) current.kill('SIGKILL')
  }
  // The free port can be taken between choosing and binding it: try a few.
  let lastError: unknown
  for (let attempt = 0; attempt < 3 && child === undefined; attempt++) {
    port = await freePort()
    await start().catch((error: unknown) => {
      lastError = error
    })
  }
  if (child === undefined) throw lastError
  const safetyNet = () => child?.kill('SIGKILL')
  process.once('exit', safetyNet)
  return {
    host,
    port,
    adminUser: 'hourglass',
    adminPassword,
    rootUser: 'root',
    rootPassword,
    aclFile,
    kill: () => kill('SIGKILL'),
    restart: start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop: async () => {
      child?.kill('SIGCONT')
      await kill('SIGTERM')
      process.removeListener('exit', safetyNet)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function spawnServer(
  bin: string,
  dir: string,
  port: number,
  client: () => Redis,
): Promise<ChildProcess> {
  const conf = join(dir, 'redis.conf')
  const log = join(dir, 'redis.log')
  await writeFile(
    conf,
    [
      ...['bind 127.0.0.1', `port ${port}`, 'protected-mode yes', 'daemonize no'],
      ...[`dir ${dir}`, `logfile ${log}`, 'save ""', 'appendonly no'],
      `aclfile ${join(dir, 'users.acl')}`,
      '',
    ].join('\n'),
  )
  const child = spawn(bin, [conf], { stdio: 'ignore' })
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (!isAlive(child)) break
    const probe = client()
    const pong = await probe
      .connect()
      .then(() => probe.call('PING'))
      .catch(() => null)
    probe.disconnect()
    if (pong === 'PONG') return child
    await sleep(50)
  }
  child.kill('SIGKILL')
  const tail = (await readFile(log, 'utf8').catch(() => '')).slice(-2000)
  throw new Error(`redis-server did not answer PING on port ${port}:\n${tail}`)
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

/**
 * Logs in with an issued credential (a redis:// URI), as its holder would. 'denied' when the
 * server refuses the user or password; any other failure (the server is down) is thrown.
 */
export async function loginWith(credential: Secret): Promise<Redis | 'denied'> {
  const uri = new URL(credential.reveal())
  const client = redisClient(
    { host: uri.hostname, port: Number(uri.port) },
    decodeURIComponent(uri.username),
    decodeURIComponent(uri.password),
  )
  let failure = ''
  client.on('error', (error: Error) => {
    failure = error.message
  })
  try {
    await client.connect()
    return client
  } catch (error) {
    client.disconnect()
    if (/^WRONGPASS|^NOAUTH/.test(failure)) return 'denied'
    throw new Error(`could not reach Redis: ${failure}`, { cause: error })
  }
}

/**
 * A redis connector instance for this server, parsed and wrapped in redactSecrets the way the
 * registry does it, logged in as the documented admin unless `config` says otherwise.
 */
export function redisConnectorFor(
  redis: RunningRedis,
  config: Record<string, unknown> = {},
): RedisConnectorInstance {
  const parsed = redisConnector.configSchema.parse({
    host: redis.host,
    port: redis.port,
    username: redis.adminUser,
    password: redis.adminPassword,
    connectTimeoutMs: 1000,
    ...config,
  })
  let ids = 0
  const deps = {
    now: () => new Date(),
    newId: (prefix: string) => `${prefix}_${++ids}`,
    state: new MemoryConnectorState(),
  }
  return redactSecrets(redisConnector.create(parsed, deps), () => [parsed.password.reveal()])
}
