/**
 * The BUILT server as a real child process (`node bin/hourglass.js serve`), for the fault tests:
 * a data directory and config file of its own, the sample identities from `init`, and helpers to
 * speak HTTP to it, run the real CLI against it, and kill it like a power cut.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { freePort } from '../support/services.js'

const run = promisify(execFile)
const BIN = path.resolve('bin/hourglass.js')

export interface InstanceOptions {
  /** postgres://… for PostgreSQL; unset means SQLite in the data directory. */
  databaseUrl?: string | undefined
  /** Catalog JSON; unset means the packaged sample catalog. */
  catalog?: unknown
  /** Merged into the config's `lifecycle` section (lease, sweep interval…). */
  lifecycle?: Record<string, unknown>
  /**
   * Start from a copy of this initialised instance (data directory and database) instead of
   * running `init` again: a node process costs seconds on a busy machine. `databaseUrl` is
   * then ignored; a PostgreSQL template is cloned into a database of the instance's own.
   */
  template?: Instance
  /** Merged into the config file last (e.g. `policyDir`). */
  config?: Record<string, unknown>
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface HttpAnswer {
  status: number
  body: any
}

export interface CliAnswer {
  code: number
  json: any
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Resolves when the process ends, however it ends. */
  exited: Promise<Exit>
  /** Everything the process printed so far (for failure messages). */
  output(): string
  get(as: string, path: string): Promise<HttpAnswer>
  post(as: string, path: string, body: unknown): Promise<HttpAnswer>
  /** The CLI, as the named identity, against this server. */
  cli(as: string, ...args: string[]): Promise<CliAnswer>
  /** Graceful stop (SIGTERM): the server signs a final checkpoint over the chain head. */
  stop(): Promise<Exit>
  /** SIGKILL: no finally blocks, no flush, no final checkpoint. */
  kill(): Promise<Exit>
}

export interface Instance {
  dataDir: string
  databaseUrl: string | undefined
  /** The checkpoint copy outside the database. */
  checkpointFile: string
  sqlitePath: string
  tokens: Record<string, string>
  /** `args` go after `serve` (e.g. `--workers 2`). */
  start(options?: { fault?: string; args?: string[] }): Promise<ServerProcess>
  dispose(): Promise<void>
}

/** Base env for children: no inherited fault, no inherited server settings. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([key]) => !key.startsWith('HOURGLASS_'))
  return { ...Object.fromEntries(inherited), HOURGLASS_LOG_LEVEL: 'warn', ...extra }
}

/** A data directory with keys, migrated database and sample identities (one token each). */
export async function prepareInstance(options: InstanceOptions = {}): Promise<Instance> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hourglass-faults-'))
  const checkpointFile = path.join(dataDir, 'audit-checkpoints.jsonl')
  let databaseUrl = options.databaseUrl
  let dropDatabase: () => Promise<unknown> = () => Promise.resolve()
  if (options.template) {
    await cp(options.template.dataDir, dataDir, { recursive: true })
    if (options.template.databaseUrl) {
      const clone = await cloneDatabase(options.template.databaseUrl)
      databaseUrl = clone.url
      dropDatabase = () => clone.drop()
    } else {
      databaseUrl = undefined
    }
  }
  const config: Record<string, unknown> = {
    dataDir,
    checkpoint: { file: checkpointFile, everyEvents: 1, everySeconds: 1 },
    lifecycle: { reconcileIntervalMs: 0, ...options.lifecycle },
  }
  if (databaseUrl) config.databaseUrl = databaseUrl
  Object.assign(config, options.config)
  if (options.catalog !== undefined) {
    config.catalogFile = path.join(dataDir, 'catalog.json')
    await writeFile(config.catalogFile as string, JSON.stringify(options.catalog), { mode: 0o600 })
  }
  const configFile = path.join(dataDir, 'config.json')
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 })

  let tokens: Record<string, string>
  if (options.template) {
    tokens = options.template.tokens
  } else {
    const init = await run('node', [BIN, '--config', configFile, 'init'], { env: childEnv({}), timeout: 60_000 })
    tokens = {}
    for (const m of init.stdout.matchAll(/^\s+(\S+)\s+(hgt_\S+)$/gm)) tokens[m[1]!] = m[2]!
    if (!tokens.admin || !tokens.alice) throw new Error(`init printed no tokens:\n${init.stdout}`)
  }

  const live = new Set<ServerProcess>()
  return {
    dataDir,
    databaseUrl,
    checkpointFile,
    sqlitePath: path.join(dataDir, 'hourglass.db'),
    tokens,
    async start(startOptions = {}) {
      const server = await startServer(configFile, tokens, startOptions.fault, startOptions.args)
      live.add(server)
      void server.exited.then(() => live.delete(server))
      return server
    },
    async dispose() {
      for (const server of live) await server.kill()
      await rm(dataDir, { recursive: true, force: true })
      await dropDatabase()
    },
  }
}

/** A copy of a PostgreSQL database (nobody may be connected to it), dropped afterwards. */
async function cloneDatabase(templateUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const template = new URL(templateUrl)
  const admin = new URL(templateUrl)
  admin.pathname = '/postgres'
  const name = `hg_fault_${randomBytes(6).toString('hex')}`
  const onServer = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin.toString() })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  }
  // Two clones of one template at the same moment conflict ("being accessed by other users").
  for (let attempt = 0; ; attempt++) {
    try {
      await onServer(`create database "${name}" template "${template.pathname.slice(1)}"`)
      break
    } catch (error) {
      if (attempt >= 20 || (error as { code?: string }).code !== '55006') throw error
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200))
    }
  }
  const url = new URL(templateUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => onServer(`drop database if exists "${name}" with (force)`) }
}

async function startServer(configFile: string, tokens: Record<string, string>, fault?: string, args: string[] = []): Promise<ServerProcess> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn('node', [BIN, '--config', configFile, 'serve', ...args], {
    env: childEnv({ HOURGLASS_PORT: String(port), ...(fault ? { HOURGLASS_TEST_FAULT: fault } : {}) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  // Always drain both pipes: a full pipe would block the child.
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal })
    })
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not start in 60 s:\n${out}`))
    }, 60_000)
    const check = () => {
      if (out.includes('listening')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', check)
    void exited.then((e) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${e.code ?? e.signal}) before listening:\n${out}`))
    })
  })

  const http = async (as: string, method: string, p: string, body?: unknown): Promise<HttpAnswer> => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[as] ?? ''}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    }).catch((error: unknown) => {
      // A refused or reset connection says little alone: whether the server died, and why, is
      // in its exit state and output.
      const state = `exit ${String(child.exitCode ?? child.signalCode ?? 'none yet')}`
      throw new Error(`${method} ${p} failed (server ${state}):\n${out.slice(-4000)}`, {
        cause: error,
      })
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON (metrics, HTML): keep the text
    }
    return { status: res.status, body: parsed }
  }
  const end = async (signal: NodeJS.Signals): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return {
    url,
    child,
    exited,
    output: () => out,
    get: (as, p) => http(as, 'GET', p),
    post: (as, p, body) => http(as, 'POST', p, body),
    async cli(as, ...args) {
      try {
        const { stdout } = await run('node', [BIN, '--json', ...args], {
          env: childEnv({ HOURGLASS_URL: url, HOURGLASS_TOKEN: tokens[as] ?? '' }),
          timeout: 60_000,
          maxBuffer: 64 * 1024 * 1024,
        })
        return { code: 0, json: stdout.trim() === '' ? null : JSON.parse(stdout) }
      } catch (error) {
        const e = error as { code?: unknown; stdout?: string; stderr?: string }
        if (typeof e.code !== 'number') throw error
        try {
          return { code: e.code, json: JSON.parse(e.stdout ?? '') as unknown }
        } catch {
          return { code: e.code, json: { stdout: e.stdout, stderr: e.stderr } }
        }
      }
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  }
}

/** Polls until `ok` holds or the time is up; returns the last value either way. */
export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (ok(v) || Date.now() > deadline) return v
    await new Promise((r) => setTimeout(r, 150))
  }
}

export interface AuditRow {
  seq: number
  type: string
  grantId: string | null
  requestId: string | null
  actor: string
}

/** Every audit event, read page by page as an admin. */
export async function auditEvents(server: ServerProcess): Promise<AuditRow[]> {
  return (await fetchAll(server)) as AuditRow[]
}

/** The chain as JSONL, one event per line in sequence order: what `hourglass audit export` writes. */
export async function exportAudit(server: ServerProcess, file: string): Promise<void> {
  const events = await fetchAll(server)
  await writeFile(file, events.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o600 })
}

async function fetchAll(server: ServerProcess): Promise<unknown[]> {
  const all: Array<{ seq: number }> = []
  for (let after = 0; ; ) {
    const page = await server.get('admin', `/v1/audit/events?after=${after}&limit=5000`)
    if (page.status !== 200) throw new Error(`audit events: ${page.status} ${JSON.stringify(page.body)}`)
    const items = page.body.items as Array<{ seq: number }>
    all.push(...items)
    if (items.length === 0 || (items[items.length - 1]?.seq ?? 0) >= page.body.head.seq) return all
    after = items[items.length - 1]!.seq
  }
}

/**
 * `hourglass audit verify`, the real CLI, twice: against the live server with the external
 * checkpoint file, and offline on an exported chain with that file and the public key.
 */
export async function verifyAudit(server: ServerProcess, instance: Instance): Promise<{ live: CliAnswer; offline: CliAnswer }> {
  const exported = path.join(instance.dataDir, `export-${Date.now()}.jsonl`)
  await exportAudit(server, exported)
  const pem = path.join(instance.dataDir, 'audit.pub.pem')
  await writeFile(pem, (await server.get('admin', '/v1/audit/public-key')).body.publicKeyPem)
  const [live, offline] = await Promise.all([
    server.cli('admin', 'audit', 'verify', '--checkpoints', instance.checkpointFile),
    server.cli('admin', 'audit', 'verify', '--file', exported, '--checkpoints', instance.checkpointFile, '--public-key', pem),
  ])
  return { live, offline }
}
