/**
 * `serve --workers 2` as real processes (issue 7): a primary running the node's one engine and two
 * HTTP workers on one socket, on SQLite (two writer processes on one WAL database) and on
 * PostgreSQL. Many concurrent clients all succeed, every grant is revoked exactly once, the audit
 * chain verifies, a worker killed with SIGKILL is re-forked while requests keep succeeding,
 * /metrics counts every process, and SIGTERM ends the node with exit 0.
 */
import { execFile } from 'node:child_process'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { freshPgDatabase, pgUrlOrSkip } from '../support/services.js'
import { auditEvents, prepareInstance, verifyAudit, waitFor, type Instance, type ServerProcess } from './hourglass-process.js'

const run = promisify(execFile)
const pgBase = pgUrlOrSkip()
const REQUESTERS = ['alice', 'bob', 'olivia', 'paul', 'sam', 'admin']
const CLIENTS = 24
const GRANT_SECONDS = 25

async function workerPids(server: ServerProcess): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(server.child.pid)]).catch(() => ({ stdout: '' }))
  return stdout.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0)
}

interface Outcome {
  granted: string[]
  failures: string[]
}

/** `rounds` requests from each of `CLIENTS` concurrent clients, each waiting for its answer. */
async function load(server: ServerProcess, rounds: number, tag: string): Promise<Outcome> {
  const out: Outcome = { granted: [], failures: [] }
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let r = 0; r < rounds; r++) {
        try {
          const res = await server.post(REQUESTERS[(c + r) % REQUESTERS.length]!, '/v1/requests', {
            entitlementId: 'orders-read',
            justification: `workers test ${tag} ${c}/${r}`,
            duration: `${GRANT_SECONDS}s`,
          })
          if (res.status === 201 && res.body.grant) out.granted.push(res.body.grant.id as string)
          else out.failures.push(`${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
        } catch (error) {
          out.failures.push(String(error).slice(0, 300))
        }
      }
    }),
  )
  return out
}

function counterSum(metrics: string, name: string, labels: string[]): number {
  let sum = 0
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) || !labels.every((l) => line.includes(l))) continue
    sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sum
}

describe.each([
  { engine: 'SQLite', pg: false },
  { engine: 'PostgreSQL', pg: true },
])('serve --workers 2 on $engine', ({ pg }) => {
  let instance: Instance | null = null
  let db: { url: string; drop(): Promise<void> } | null = null

  afterEach(async () => {
    await instance?.dispose()
    await db?.drop()
    instance = null
    db = null
  })

  it.skipIf(pg && pgBase === null)(
    'serves concurrent clients on both workers, survives a SIGKILLed worker, revokes every grant once, stops with 0',
    async () => {
      if (pg) db = await freshPgDatabase(pgBase!)
      instance = await prepareInstance({
        databaseUrl: db?.url,
        lifecycle: { leaseMs: 3000, connectorTimeoutMs: 2000, sweepIntervalMs: 250 },
      })
      const server = await instance.start({ args: ['--workers', '2'] })
      expect(server.output().match(/listening on/g), server.output()).toHaveLength(1)
      const first = await workerPids(server)
      expect(first).toHaveLength(2)
      expect((await server.get('admin', '/readyz')).status).toBe(200)

      // Concurrent writers: none may fail (SQLite queues them on the write lock).
      const before = await load(server, 4, 'before')
      expect(before.failures, server.output()).toEqual([])

      // Evidence right after a submission, in whichever worker: the primary signs the covering checkpoint.
      const evidence = await Promise.all(
        REQUESTERS.map(async (who) => {
          const submitted = await server.post(who, '/v1/requests', { entitlementId: 'orders-read', justification: 'evidence now', duration: '1h' })
          return server.get('admin', `/v1/requests/${String(submitted.body.request.id)}/evidence`)
        }),
      )
      for (const e of evidence) expect([e.status, e.body.status], server.output().slice(-3000)).toEqual([200, 'checkpointed'])

      // /metrics is the node's: every worker's POSTs, counted once each, whichever worker is scraped.
      for (let scrape = 0; scrape < 3; scrape++) {
        const metrics = await server.get('admin', '/metrics')
        expect(metrics.status).toBe(200)
        expect(counterSum(String(metrics.body), 'hourglass_http_requests_total', ['method="POST"', 'status="201"'])).toBe(
          before.granted.length + REQUESTERS.length,
        )
      }

      // A worker killed mid-load: what it had in flight may fail; it is re-forked and the node serves on.
      const during = load(server, 4, 'during')
      await new Promise((r) => setTimeout(r, 300))
      process.kill(first[0]!, 'SIGKILL')
      const duringOutcome = await during
      const now = await waitFor(
        () => workerPids(server),
        (pids) => pids.length === 2 && !pids.includes(first[0]!),
        30_000,
      )
      expect(now).toHaveLength(2)
      expect(now).toContain(first[1])
      const after = await load(server, 4, 'after')
      expect(after.failures, server.output()).toEqual([])

      const granted = [...before.granted, ...duringOutcome.granted, ...after.granted]
      expect(granted.length).toBeGreaterThanOrEqual(CLIENTS * 8)

      // Every grant handed out ends revoked, by exactly one revocation (the killed worker's
      // claims included: the primary's engine takes them over when their lease lapses).
      const grants = await waitFor(
        async () => (await server.get('admin', '/v1/grants?scope=all&limit=500')).body.items as Array<{ id: string; state: string }>,
        (gs) => granted.every((id) => gs.find((g) => g.id === id)?.state === 'revoked'),
        (GRANT_SECONDS + 60) * 1000,
      )
      const states = new Map(grants.map((g) => [g.id, g.state]))
      expect(granted.filter((id) => states.get(id) !== 'revoked'), server.output()).toEqual([])
      const events = await auditEvents(server)
      const revokedOnce = new Map<string, number>()
      for (const e of events) if (e.type === 'grant.revoked' && e.grantId) revokedOnce.set(e.grantId, (revokedOnce.get(e.grantId) ?? 0) + 1)
      expect(granted.filter((id) => revokedOnce.get(id) !== 1)).toEqual([])

      const { live, offline } = await verifyAudit(server, instance)
      expect(live.code, JSON.stringify(live.json)).toBe(0)
      expect(offline.code, JSON.stringify(offline.json)).toBe(0)

      // The database gauges come from one process, not multiplied by the workers.
      const metrics = await server.get('admin', '/metrics')
      expect(metrics.status).toBe(200)
      expect(counterSum(String(metrics.body), 'hourglass_grants', ['state="revoked"'])).toBe(grants.filter((g) => g.state === 'revoked').length)

      expect(await server.stop()).toEqual({ code: 0, signal: null })
      expect(await workerPids(server)).toEqual([])
    },
    300_000,
  )

  it.skipIf(pg)('SIGHUP to the primary and POST /v1/policy/reload to one worker reach every worker', async () => {
    const policyDir = await mkdtemp(path.join(tmpdir(), 'hourglass-policies-'))
    try {
      await cp(path.resolve('policies'), policyDir, { recursive: true })
      instance = await prepareInstance({ config: { policyDir, governance: { cooldownAfterDenialSeconds: 0 } } })
      const server = await instance.start({ args: ['--workers', '2'] })
      const ask = async () => {
        // Concurrent requests open several connections, which the primary deals to both workers.
        const answers = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            server.post(REQUESTERS[i % REQUESTERS.length]!, '/v1/requests', {
              entitlementId: 'orders-read',
              justification: `policy reload test ${i}`,
              duration: '10m',
            }),
          ),
        )
        return answers.map((a) => a.status)
      }
      expect(new Set(await ask())).toEqual(new Set([201]))

      const freeze = path.join(policyDir, 'freeze.cedar')
      await writeFile(
        freeze,
        '@id("test-freeze")\n@description("requests are frozen")\nforbid (principal, action == Hourglass::Action::"request", resource);\n',
      )
      process.kill(server.child.pid!, 'SIGHUP')
      const frozen = await waitFor(ask, (statuses) => statuses.every((s) => s === 403), 20_000)
      expect(frozen, server.output()).toEqual(Array(12).fill(403))
      // The primary audited the change once for the node; the workers only followed.
      const loaded = (await auditEvents(server)).filter((e) => e.type === 'policy.loaded')
      expect(loaded.map((e) => e.actor)).toEqual(['system:sighup'])

      await rm(freeze)
      const reload = await server.post('admin', '/v1/policy/reload', {})
      expect(reload.status, JSON.stringify(reload.body)).toBe(200)
      const thawed = await waitFor(ask, (statuses) => statuses.every((s) => s === 201), 20_000)
      expect(thawed, server.output()).toEqual(Array(12).fill(201))
      expect(await workerPids(server)).toHaveLength(2)
      expect(await server.stop()).toEqual({ code: 0, signal: null })
    } finally {
      await rm(policyDir, { recursive: true, force: true })
    }
  }, 180_000)
})
