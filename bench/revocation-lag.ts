import { fork } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import SqliteDatabase from 'better-sqlite3'
import { MAX_REVOCATION_BATCH, SQLITE_REVOCATION_BATCH } from '../src/app/execute-revocations.js'
import { MinHeap } from '../src/engine/min-heap.js'
import { openStore } from '../src/storage/kysely/open-store.js'
import type { Benchmark } from './support/benchmark.js'
import type { Row } from './support/report.js'
import { revocationCosts } from './support/revocation-costs.js'
import { BEAT_MS, type NodeMessage } from './support/revocation-protocol.js'
import { UNREVOKED_PROBE } from './support/unrevoked-probe.js'
import { median, nowMs, summarize, type LatencySummary } from './support/stats.js'

const WINDOW_MS = 10_000
/** Between the end of seeding and the first expiry: the engine starts in it. */
const LEAD_MS = 3_000
const GRACE_MS = 5_000
/** How long after the grace period we keep waiting, to see how late the stragglers are. */
const STRAGGLER_WAIT_MS = 30_000
const NODE = fileURLToPath(new URL('./support/revocation-node.js', import.meta.url))
/** Seeding 100,000 grants takes tens of seconds; a node that never gets ready is a failure. */
const READY_TIMEOUT_MS = 300_000

interface RunFigures {
  lag: LatencySummary
  missed: number
  /** Still not revoked when we stopped waiting; their lag counts as (stop − due), a lower bound. */
  unrevoked: number
  throughput: number
  /** Grants whose revocation failed at least once (retried later), and one of their errors. */
  retried: number
  firstError: string | null
  engineStartMs: number
  seedMs: number
  /** The longest time the node's event loop could not run a timer (nor answer HTTP) in the window. */
  longestStallMs: number
  /** Lag p99 and max of the grants due in each second of the window: where the tail forms. */
  lagBySecond: Array<{ p99: number; max: number }>
}

function offsetOf(i: number, count: number): number {
  return (i * WINDOW_MS) / count
}

async function waitFor(done: () => Promise<boolean>, deadline: number): Promise<void> {
  while (Date.now() < deadline && !(await done())) await new Promise((r) => setTimeout(r, 500))
}

function readyOf(
  child: ReturnType<typeof fork>,
  stderr: () => string,
): Promise<Extract<NodeMessage, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the revocation node was not ready in time:\n${stderr()}`))
    }, READY_TIMEOUT_MS)
    child.on('message', (m: NodeMessage) => {
      if (m.type !== 'ready') return
      clearTimeout(timer)
      resolve(m)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the revocation node exited (${String(code)}):\n${stderr()}`))
    })
  })
}

/**
 * One window: the node (a child process) seeds and revokes; this process watches the database
 * through its own store and stops the node at the deadline, whatever state its event loop is in.
 */
async function oursRun(count: number, progress: (m: string) => void): Promise<RunFigures> {
  const child = fork(NODE, [String(count), String(WINDOW_MS), String(LEAD_MS)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000)
  })
  let lastBeat = Date.now()
  let longestStallMs = 0
  child.on('message', (m: NodeMessage) => {
    if (m.type !== 'beat') return
    const now = Date.now()
    longestStallMs = Math.max(longestStallMs, now - lastBeat)
    lastBeat = now
  })
  let dataDir: string | null = null
  try {
    const ready = await readyOf(child, () => stderr)
    dataDir = ready.dataDir
    progress(
      `revocation: seeded ${count} grants in ${(ready.seedMs / 1000).toFixed(1)} s; window open`,
    )
    longestStallMs = 0
    const store = await openStore({ sqlitePath: ready.dbFile })
    try {
      await waitFor(allRevokedIn(ready.dbFile), ready.windowEnd + GRACE_MS + STRAGGLER_WAIT_MS)
      const snapshotAt = Date.now()
      // Frozen here: the reads below hold this process's event loop, and beats queued behind
      // them would read as the node's stall.
      const stallMs = Math.max(longestStallMs, snapshotAt - lastBeat) - BEAT_MS
      const done = await store.grants.list({ states: ['revoked'], limit: count })
      const left = await store.grants.list({
        states: ['active', 'revoking', 'revoke_failed'],
        limit: count,
      })
      const lags = [
        ...done.map((g) => g.revocationLagMs ?? Number.NaN),
        ...left.map((g) => snapshotAt - g.expiresAt.getTime()),
      ]
      const onTime = done.filter(
        (g) => (g.revokedAt?.getTime() ?? Infinity) <= ready.windowEnd + GRACE_MS,
      ).length
      const lastRevokedAt = Math.max(ready.base, ...done.map((g) => g.revokedAt?.getTime() ?? 0))
      return {
        lag: summarize(lags),
        missed: count - onTime,
        unrevoked: left.length,
        throughput: (done.length * 1000) / Math.max(1, lastRevokedAt - ready.base),
        retried: [...done, ...left].filter(
          (g) => g.revokeAttempts > 1 || g.state === 'revoke_failed',
        ).length,
        firstError: left.find((g) => g.lastError !== null)?.lastError ?? null,
        engineStartMs: ready.engineStartMs,
        seedMs: ready.seedMs,
        longestStallMs: stallMs,
        lagBySecond: lagBySecond(done, ready.base),
      }
    } finally {
      await store.close()
    }
  } finally {
    await stopNode(child)
    if (dataDir !== null) await rm(dataDir, { recursive: true, force: true })
  }
}

function lagBySecond(
  revoked: ReadonlyArray<{ expiresAt: Date; revocationLagMs: number | null }>,
  base: number,
): Array<{ p99: number; max: number }> {
  const seconds: number[][] = Array.from({ length: Math.ceil(WINDOW_MS / 1000) }, () => [])
  for (const g of revoked) {
    const second = Math.floor((g.expiresAt.getTime() - base) / 1000)
    seconds[Math.min(seconds.length - 1, Math.max(0, second))]?.push(g.revocationLagMs ?? Number.NaN)
  }
  return seconds.map((lags) => {
    const s = summarize(lags)
    return { p99: s.p99, max: s.max }
  })
}

/**
 * Whether any grant is left to revoke, asked twice a second during the window on a read-only
 * connection of its own. (The store's count of every grant, or a list ordered by creation, read
 * the whole table each time, held this process's event loop for up to 150 ms, and the node's
 * beats queued behind it read as the node's stalls.)
 */
function allRevokedIn(dbFile: string): () => Promise<boolean> {
  return () => {
    const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true })
    try {
      return Promise.resolve(db.prepare(UNREVOKED_PROBE).get() === undefined)
    } finally {
      db.close()
    }
  }
}

/** SIGKILL, by the child's own pid: a stalled event loop would never run a SIGTERM handler. */
function stopNode(child: ReturnType<typeof fork>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve()
    })
    child.kill('SIGKILL')
  })
}

/**
 * The floor: the engine's own timer discipline (a min-heap, one setTimeout re-armed for the next
 * due time) firing the same due times and doing nothing, so what remains is timer lateness.
 */
export async function timerFloor(
  count: number,
): Promise<LatencySummary & { longestStallMs: number }> {
  const stalls = monitorEventLoopDelay({ resolution: 10 })
  const heap = new MinHeap<number>()
  const base = nowMs() + LEAD_MS
  for (let i = 0; i < count; i++) heap.push(base + offsetOf(i, count), i)
  const lateness: number[] = []
  stalls.enable()
  await new Promise<void>((resolve) => {
    const arm = () => {
      const next = heap.peek()
      if (!next) {
        resolve()
        return
      }
      setTimeout(fire, Math.max(0, next.at - Date.now()))
    }
    const fire = () => {
      const now = nowMs()
      for (let top = heap.peek(); top && top.at <= now; top = heap.peek()) {
        heap.pop()
        lateness.push(now - top.at)
      }
      arm()
    }
    arm()
  })
  stalls.disable()
  return { ...summarize(lateness), longestStallMs: stalls.max / 1e6 }
}

export function medianLag(runs: LatencySummary[]): LatencySummary {
  const pick = (f: (s: LatencySummary) => number) => median(runs.map(f))
  return {
    count: pick((r) => r.count),
    p50: pick((r) => r.p50),
    p99: pick((r) => r.p99),
    max: pick((r) => r.max),
    mean: pick((r) => r.mean),
  }
}

export const revocationLag: Benchmark = {
  name: 'revocation',
  title: 'Revocation lag: grants expiring within 10 s, one node on SQLite, jwt connector',
  async run(options, progress) {
    const count = options.grants
    const runs = options.revocationRuns
    const ours: RunFigures[] = []
    const floors: Array<LatencySummary & { longestStallMs: number }> = []
    for (let r = 0; r < runs; r++) {
      ours.push(await oursRun(count, progress))
      progress(`revocation: run ${r + 1}/${runs} done; timer floor`)
      floors.push(await timerFloor(count))
    }
    progress('revocation: measuring the parts of one revocation')
    const costs = await revocationCosts()
    const lag = medianLag(ours.map((o) => o.lag))
    const floor = medianLag(floors)
    const pick = (f: (o: RunFigures) => number) => median(ours.map(f))
    const rows: Row[] = [
      { metric: 'lag p50', unit: 'ms', ours: lag.p50, floor: floor.p50, targets: [] },
      {
        metric: 'lag p99',
        unit: 'ms',
        ours: lag.p99,
        floor: floor.p99,
        targets: [{ on: 'ours', op: '<=', value: 50 }],
      },
      {
        metric: 'lag max',
        unit: 'ms',
        ours: lag.max,
        floor: floor.max,
        targets: [{ on: 'ours', op: '<=', value: 1000 }],
      },
      {
        metric: 'missed (not revoked by window end + 5 s)',
        unit: 'count',
        ours: pick((o) => o.missed),
        floor: null,
        targets: [{ on: 'ours', op: '<=', value: 0 }],
      },
      {
        metric: 'longest event-loop stall during the window',
        unit: 'ms',
        ours: pick((o) => o.longestStallMs),
        floor: median(floors.map((f) => f.longestStallMs)),
        targets: [],
      },
      {
        metric: 'revocations/s sustained vs needed (grants / 10 s)',
        unit: '/s',
        ours: pick((o) => o.throughput),
        floor: count / (WINDOW_MS / 1000),
        targets: [],
      },
    ]
    const notes = [
      `${count} grants, expiries evenly spread over ${WINDOW_MS / 1000} s; ${runs} run(s), figures are medians over runs. ` +
        'Engine with the default settings: sweep every 5 s (each sweep puts lapsed claims and due retries ahead of the queue and loads the expiries new to the horizon; the whole horizon, overdue expiries included, at start and at least every 30 s), ' +
        `10-minute horizon, due grants revoked in batches of up to ${SQLITE_REVOCATION_BATCH} on SQLite with one in flight ` +
        `(${MAX_REVOCATION_BATCH}, 2 in flight, on PostgreSQL), the heap filled in pages of 5,000 up to the horizon.`,
      `A batch of jwt grants is one transaction: the revocation records written and read back (one per expiry second ` +
        `for tokens past their exp, docs/connectors/jwt.md), and each grant ` +
        `from active straight to revoked with one audit append (${costs.transactionsPerBatch} store transaction(s) for a ` +
        `batch of 500; connectors that call a remote target keep a claim and a commit transaction). ` +
        `One grant alone: ${costs.transactionsPerRevocation.toFixed(2)} store transactions carrying ` +
        `${costs.auditEventsPerRevocation.toFixed(2)} audit appends.`,
      `Where the time goes (same process, no engine): in a full batch ${costs.batchedRevocationMs.toFixed(3)} ms per grant ` +
        `(CPU ${costs.batchedRevocationCpuMs.toFixed(3)} ms; median of 5 batches) ` +
        `(≈ ${Math.round(1000 / costs.batchedRevocationMs)}/s at best on one SQLite connection); one at a time, a whole ` +
        `executeRevocation ${costs.revocationMs.toFixed(2)} ms, of which a transaction with one audit append ` +
        `${costs.auditTransactionMs.toFixed(2)} ms (×${costs.transactionsPerRevocation.toFixed(0)}) and connector revoke + verify ${costs.connectorMs.toFixed(2)} ms; ` +
        `bare single-row commit ${costs.bareCommitMs.toFixed(3)} ms.`,
    ]
    notes.push(
      'Lag p99 / max (ms) of the grants due in each second of the window, run by run: ' +
        ours
          .map((o) => o.lagBySecond.map((b) => `${b.p99.toFixed(0)}/${b.max.toFixed(0)}`).join(' '))
          .join('; ') +
        '.',
    )
    const retried = retriedNote(ours)
    if (retried !== null) notes.push(retried)
    const unrevoked = pick((o) => o.unrevoked)
    if (unrevoked > 0) {
      notes.push(
        `${unrevoked} grants were still not revoked ${(GRACE_MS + STRAGGLER_WAIT_MS) / 1000} s after the window ` +
          'closed, when we stopped the node; their lag counts as (then − due), so p50, p99 and max are lower bounds.',
      )
    }
    notes.push(
      `Engine start (first sweep, loading the heap) took ${pick((o) => o.engineStartMs).toFixed(0)} ms; seeding took ` +
        `${(pick((o) => o.seedMs) / 1000).toFixed(1)} s (not part of any figure).`,
      'Floor: a min-heap and one re-armed setTimeout firing the same due times with no work (timer lateness alone). ' +
        'Our lag is whole milliseconds (revokedAt − dueAt, as stored).',
    )
    return {
      name: this.name,
      title: this.title,
      params: { grants: count, windowMs: WINDOW_MS, runs },
      rows,
      notes,
    }
  },
}

/** The note on grants whose revocation failed once or more, when any did (median over runs). */
export function retriedNote(
  runs: ReadonlyArray<{ retried: number; firstError: string | null }>,
): string | null {
  const retried = median(runs.map((o) => o.retried))
  if (retried === 0) return null
  const error = runs.find((o) => o.firstError !== null)?.firstError ?? 'not recorded'
  return `${retried} grants had a failed revocation attempt (retried with backoff); e.g. "${error}".`
}
