import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import type { BenchOptions } from './benchmark.js'
import { freePort } from './free-port.js'
import { LoadDriver } from './load-driver.js'
import type { LoadRoundResult } from './load-protocol.js'
import { REPO_ROOT } from './paths.js'
import { CONCURRENCY, REQUEST_BODY, REQUESTERS } from './served-world.js'
import { spawnUntilReady, type SpawnedServer } from './spawned-server.js'
import { median, summarize } from './stats.js'

const BIN = path.join(REPO_ROOT, 'bin', 'hourglass.js')
/** Grants submitted at a round's end still activating when it is read. */
const SETTLE_MS = 1_000

export interface SpawnedLoadFigures {
  workers: number
  throughput: number
  closedP50: number
  closedP99: number
  openRate: number
  openP99: number
  failed: number
  firstFailure: string | null
}

/**
 * Request → active grant against `hourglass serve --workers N` spawned as real processes (the
 * built `dist/`), on a fresh data directory (and a fresh PostgreSQL database). The clients are
 * the in-process rows' load worker. The server's activations cannot be observed from here, so a
 * request completes at its answer and the activation time is read afterwards from the database:
 * the grant's `issued_at`, stamped just before the activation commit. Latency is send (or the
 * scheduled send, open loop) → `issued_at`; throughput counts grants active within the round.
 */
export async function measureSpawned(
  workers: number,
  pgServerUrl: string | undefined,
  options: BenchOptions,
): Promise<SpawnedLoadFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hourglass-bench-serve-'))
  const db = pgServerUrl === undefined ? null : await scratchDatabase(pgServerUrl)
  let server: SpawnedServer | null = null
  let driver: LoadDriver | null = null
  const issued = db === null ? sqliteIssuedAt(path.join(dataDir, 'hourglass.db')) : pgIssuedAt(db.url)
  try {
    const port = await freePort()
    const env: NodeJS.ProcessEnv = {}
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('HOURGLASS_')) env[key] = value
    Object.assign(env, {
      HOURGLASS_DATA_DIR: dataDir,
      HOURGLASS_PORT: String(port),
      HOURGLASS_HOST: '127.0.0.1',
      HOURGLASS_LOG_LEVEL: 'info',
      ...(db === null ? {} : { HOURGLASS_DATABASE_URL: db.url }),
    })
    server = await spawnUntilReady([BIN, 'serve', '--workers', String(workers)], env, port, '/readyz')
    const tokens = tokensFrom(server.stdout())
    driver = new LoadDriver({ url: server.url, tokens: REQUESTERS.map((id) => tokens[id] ?? ''), body: REQUEST_BODY })
    await driver.closedRecorded(CONCURRENCY, 3_000)

    let failed = 0
    let firstFailure: string | null = null
    const count = (res: LoadRoundResult) => {
      failed += res.failed
      firstFailure ??= res.firstFailure
    }
    const closed = []
    for (let r = 0; r < options.rounds; r++) {
      const res = await driver.closedRecorded(CONCURRENCY, options.seconds * 1000)
      count(res)
      const { latencies, activeBy, missing } = await activations(res, issued)
      failed += missing
      const end = (res.startedAt ?? 0) + res.durationMs
      const inWindow = activeBy.filter((at) => at <= end).length
      const s = summarize(latencies)
      closed.push({ throughput: (inWindow * 1000) / res.durationMs, p50: s.p50, p99: s.p99 })
    }
    const throughput = median(closed.map((c) => c.throughput))
    const openRate = Math.max(1, Math.round(throughput / 2))
    const open = []
    for (let r = 0; r < options.rounds; r++) {
      const res = await driver.openRecorded(openRate, options.seconds * 1000)
      count(res)
      const { latencies, missing } = await activations(res, issued)
      failed += missing
      open.push(summarize(latencies))
    }
    return {
      workers,
      throughput,
      closedP50: median(closed.map((c) => c.p50)),
      closedP99: median(closed.map((c) => c.p99)),
      openRate,
      openP99: median(open.map((o) => o.p99)),
      failed,
      firstFailure,
    }
  } finally {
    await driver?.stop()
    await server?.stop()
    await issued.close()
    await db?.drop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

interface IssuedAt {
  read(ids: string[]): Promise<Map<string, number>>
  close(): Promise<void>
}

async function activations(
  res: LoadRoundResult,
  issued: IssuedAt,
): Promise<{ latencies: number[]; activeBy: number[]; missing: number }> {
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const sends = res.sends ?? []
  const at = await issued.read(sends.map(([id]) => id))
  const latencies: number[] = []
  const activeBy: number[] = []
  let missing = 0
  for (const [id, sentAt] of sends) {
    const when = at.get(id)
    if (when === undefined) {
      missing++
      continue
    }
    activeBy.push(when)
    // issued_at has millisecond resolution; a send within the same millisecond reads as 0.
    latencies.push(Math.max(0, when - sentAt))
  }
  return { latencies, activeBy, missing }
}

function sqliteIssuedAt(file: string): IssuedAt {
  let db: SqliteDatabase.Database | null = null
  return {
    read(ids) {
      db ??= new SqliteDatabase(file, { readonly: true, fileMustExist: true })
      const out = new Map<string, number>()
      const select = db.prepare('select id, issued_at from grants where id = ? and issued_at is not null')
      for (const id of ids) {
        const row = select.get(id) as { id: string; issued_at: number } | undefined
        if (row) out.set(row.id, row.issued_at)
      }
      return Promise.resolve(out)
    },
    close() {
      db?.close()
      return Promise.resolve()
    },
  }
}

function pgIssuedAt(url: string): IssuedAt {
  let client: pg.Client | null = null
  return {
    async read(ids) {
      if (client === null) {
        client = new pg.Client({ connectionString: url })
        await client.connect()
      }
      const res = await client.query<{ id: string; issued_at: string }>(
        'select id, issued_at from grants where id = any($1) and issued_at is not null',
        [ids],
      )
      return new Map(res.rows.map((r) => [r.id, Number(r.issued_at)]))
    },
    async close() {
      await client?.end()
    },
  }
}

/** A database of its own on the benchmark's PostgreSQL server, for one spawned node. */
async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hg_bench_serve_${randomBytes(5).toString('hex')}`
  const onServer = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  }
  await onServer(`create database "${name}"`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => onServer(`drop database if exists "${name}" with (force)`) }
}

/** `serve` prints one token per sample identity on its first start. */
function tokensFrom(stdout: string): Record<string, string> {
  const tokens: Record<string, string> = {}
  for (const match of stdout.matchAll(/^ {2}([a-z0-9._@-]+) +(\S+)$/gm)) {
    const [, id, token] = match
    if (id !== undefined && token !== undefined) tokens[id] = token
  }
  return tokens
}
