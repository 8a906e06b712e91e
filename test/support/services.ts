/**
 * External services for tests (STYLE §8): use the one named by the environment, else start a
 * throwaway one from the machine's packages on 127.0.0.1. Locally a missing service skips with
 * a loud reason; under CI=true it fails the run.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chown, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL superuser URL for tests; '' when none could be had (local runs only). */
    pgUrl: string
  }
}

const run = promisify(execFile)

export function isCi(): boolean {
  return process.env.CI === 'true'
}

export interface RunningService {
  url: string
  stop(): Promise<void>
}

/** A port the kernel just handed out; the caller retries if someone takes it first. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port)
        else reject(new Error('no port assigned'))
      })
    })
  })
}

const PG_ROOT = '/usr/lib/postgresql'

/** The newest installed PostgreSQL server's bin directory (Debian layout), or null. */
export async function findPostgresBin(): Promise<string | null> {
  let versions: string[]
  try {
    versions = await readdir(PG_ROOT)
  } catch {
    return null
  }
  const sorted = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
  for (const version of sorted) {
    const bin = join(PG_ROOT, version, 'bin')
    const hasInitdb = await stat(join(bin, 'initdb')).then(
      () => true,
      () => false,
    )
    if (hasInitdb) return bin
  }
  return null
}

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
    : [command, args]
}

async function chownToServerUser(path: string): Promise<void> {
  if (process.getuid?.() !== 0) return
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
  await chown(path, uid, gid)
}

async function serverTool(bin: string, tool: string, args: string[]): Promise<void> {
  const [command, argv] = asServerUser(join(bin, tool), args)
  await run(command, argv, { timeout: 60_000 })
}

/**
 * A throwaway cluster: temp dir, free port on 127.0.0.1, scram passwords over TCP (so a wrong
 * password really fails), a generated superuser password, and durability off for speed.
 */
export async function startPostgres(bin: string): Promise<RunningService> {
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-pg-'))
  await chownToServerUser(dir)
  const data = join(dir, 'data')
  const password = randomBytes(18).toString('base64url')
  const pwfile = join(dir, 'pw')
  await writeFile(pwfile, password, { mode: 0o600 })
  await chownToServerUser(pwfile)
  try {
    await serverTool(bin, 'initdb', [
      ...['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8'],
      ...['--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '--no-sync'],
    ])
    await rm(pwfile)
    const port = await startServer(bin, dir, data)
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
    return { url, stop: () => stopPostgres(bin, dir, data) }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

async function startServer(bin: string, dir: string, data: string, fixedPort?: number): Promise<number> {
  let lastError: unknown
  // The free port can be taken between choosing it and binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = fixedPort ?? (await freePort())
    const options = [
      ...['-c listen_addresses=127.0.0.1', `-p ${port}`, `-k ${dir}`, '-c max_connections=200'],
      ...['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'],
    ].join(' ')
    try {
      const ctl = ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30']
      await serverTool(bin, 'pg_ctl', [...ctl, '-o', options, 'start'])
      return port
    } catch (error) {
      lastError = error
    }
  }
  const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '')
  throw new Error(`PostgreSQL did not start:\n${log.slice(-2000)}`, { cause: lastError })
}

/** A throwaway cluster a test can stop and start again on the same port (database outages). */
export interface RestartablePostgres extends RunningService {
  /** Fast shutdown: sessions are cut, new connections are refused. */
  halt(): Promise<void>
  /** Starts the same cluster again on the same port. */
  resume(): Promise<void>
}

export async function startRestartablePostgres(bin: string): Promise<RestartablePostgres> {
  const running = await startPostgres(bin)
  const port = Number(new URL(running.url).port)
  const data = await dataDirOf(running.url)
  const dir = join(data, '..')
  return {
    ...running,
    halt: () => serverTool(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']),
    resume: async () => {
      await startServer(bin, dir, data, port)
    },
  }
}

async function dataDirOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<{ data_directory: string }>('show data_directory')).rows[0]!.data_directory
  } finally {
    await client.end()
  }
}

async function stopPostgres(bin: string, dir: string, data: string): Promise<void> {
  try {
    await serverTool(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'])
  } catch {
    // pg_ctl failed: stop the postmaster by its own pid, never by name.
    const pid = Number(
      (await readFile(join(data, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
    )
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGINT')
      } catch {
        // already gone
      }
    }
  }
  await rm(dir, { recursive: true, force: true })
}

/**
 * The PostgreSQL URL provided by global setup, or null when there is none (the suite then uses
 * `describe.skipIf`). Under CI a missing PostgreSQL is a failure, not a skip.
 */
export function pgUrlOrSkip(): string | null {
  const url = inject('pgUrl')
  if (url !== '') return url
  if (isCi()) throw new Error('CI=true but no PostgreSQL is available for the tests')
  return null
}

/** A database of its own for one test file, dropped afterwards (with any leftover sessions). */
export async function freshPgDatabase(
  baseUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hg_test_${randomBytes(6).toString('hex')}`
  await withClient(baseUrl, (client) => client.query(`create database "${name}"`))
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () =>
      withClient(baseUrl, (client) =>
        client.query(`drop database if exists "${name}" with (force)`),
      ),
  }
}

/** A session of its own on `url`, as another process or an operator's psql would have. */
export async function withClient(url: string, fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await fn(client)
  } finally {
    await client.end()
  }
}
