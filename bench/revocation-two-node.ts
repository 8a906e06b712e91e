import pg from 'pg'
import type { Grant } from '../src/domain/grant.js'
import { RevocationShare } from '../src/domain/revocation-share.js'
import { timerFloor } from './revocation-lag.js'
import type { Benchmark } from './support/benchmark.js'
import { benchPostgres } from './support/postgres.js'
import { bulkSeedActiveGrants } from './support/seed-grants.js'
import { summarize, type LatencySummary } from './support/stats.js'
import { notesOf, rowsOf, type RunFigures, type WindowShape } from './support/two-node-figures.js'
import { NodeProcess } from './support/two-node-process.js'
import { UNREVOKED_PROBE } from './support/unrevoked-probe.js'
import { startBenchWorld } from './support/world.js'

const WINDOW_MS = 10_000
/**
 * Between the move of the expiries into the window (committed) and the first of them: both
 * engines start in it, each loading every expiry into its heap (6 s at 100,000 on a busy
 * machine), so it is longer than the one-node bench's 3 s.
 */
const LEAD_MS = 8_000
/** The token's exp moves with its grant's expiry, as issuance would have set it (seconds, rounded down). */
const MOVE =
  "update grants set expires_at = expires_at + $1, " +
  "handle = jsonb_set(handle::jsonb, '{exp}', to_jsonb((expires_at + $1) / 1000))::text where state = 'active'"
const GRACE_MS = 5_000
/** How long after the grace period we keep waiting, to see how late the stragglers are. */
const STRAGGLER_WAIT_MS = 30_000
/** Node A is killed this far through the window. */
const KILL_AT = 0.4
/** Seeded expiries are parked beyond the engines' horizon, then moved into the window. */
const PARKED_MS = 86_400_000
const SHAPE: WindowShape = {
  windowMs: WINDOW_MS,
  killAt: KILL_AT,
  graceMs: GRACE_MS,
  stragglerWaitMs: STRAGGLER_WAIT_MS,
}
/** A node that is not up (or whose engine has not started) by then is a failure. */
const START_TIMEOUT_MS = 180_000
/** After the dead node's last lease could have been taken over, time for the survivor to do it. */
const PICKUP_MARGIN_MS = 5_000

function offsetOf(i: number, count: number): number {
  return (i * WINDOW_MS) / count
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())))
}

async function waitFor(done: () => Promise<boolean>, deadline: number): Promise<void> {
  while (Date.now() < deadline && !(await done())) await sleepUntil(Date.now() + 500)
}

async function count(client: pg.Client, text: string, values: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: string }>(text, values)
  return Number(rows[0]?.n ?? 0)
}

/**
 * One window: seed on a fresh PostgreSQL database, two node processes revoke, node A dies at
 * 40 %, and this process watches the database and stops node B at the deadline.
 */
async function oneRun(
  grants: number,
  databaseUrl: string,
  progress: (m: string) => void,
): Promise<RunFigures> {
  const world = await startBenchWorld({ databaseUrl })
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  const nodes: NodeProcess[] = []
  try {
    const parked = Date.now() + PARKED_MS
    const seedStart = Date.now()
    // The runtime's ids (time-ordered, as `serve` mints them), in expiry order: see revocation-node.ts.
    await bulkSeedActiveGrants(
      world.store,
      databaseUrl,
      world.runtime.deps.ids,
      grants,
      new Date(),
      (i) => new Date(parked + offsetOf(i, grants)),
    )
    const seedMs = Date.now() - seedStart
    const keys = {
      databaseUrl,
      dataKey: world.runtime.config.dataKey.reveal(),
      auditSigningKeyFile: world.runtime.config.auditSigningKeyFile,
    }
    const victim = new NodeProcess('A', keys)
    const survivor = new NodeProcess('B', keys)
    nodes.push(victim, survivor)
    const [a, b] = await Promise.all(nodes.map((n) => n.next('ready', START_TIMEOUT_MS)))
    if (!a || !b) throw new Error('a node did not report ready')
    progress(
      `revocation-2node: seeded ${grants} grants in ${(seedMs / 1000).toFixed(1)} s; nodes up`,
    )

    // The move is one statement around the store (it has no bulk update), before either engine
    // starts. At 100,000 rows it takes seconds on a busy machine, so a rehearsal (+1 ms, still
    // parked) times it and the window opens LEAD_MS after the real move, not while it runs.
    const rehearsal = Date.now()
    await client.query(MOVE, [1])
    const base = Date.now() + Math.ceil(1.5 * (Date.now() - rehearsal)) + LEAD_MS
    const windowEnd = base + WINDOW_MS
    await client.query(MOVE, [base - parked - 1])
    const leadLeftMs = base - Date.now()
    const started = Promise.all(nodes.map((n) => n.next('started', START_TIMEOUT_MS)))
    for (const n of nodes) n.send({ type: 'start' })
    const engineStartMs = Math.max(...(await started).map((s) => s.engineStartMs))
    const lateStartMs = Math.max(0, Date.now() - base)
    for (const n of nodes) n.resetStalls()

    await sleepUntil(base + KILL_AT * WINDOW_MS)
    const killAt = Date.now()
    const killedAtMs = killAt - base
    await victim.kill()
    const { rows: claims } = await client.query<{ id: string; lease_until: string }>(
      "select id, lease_until from grants where state = 'revoking' and lease_owner = $1",
      [a.workerId],
    )
    // Node A's share of what was due and still unrevoked at the kill: with jwt grants revoked in
    // one transaction there are no claims to orphan, and this is what the survivor must take over.
    const { rows: dueAtKill } = await client.query<{ id: string }>(
      "select id from grants where state <> 'revoked' and expires_at <= $1",
      [killAt],
    )
    const pair = new RevocationShare(a.workerId, [b.workerId])
    const shareAtKill = dueAtKill.filter((g) => pair.ownerOf(g.id) === a.workerId)
    // Everything of A's share not revoked at the kill, due or not yet: B takes it over only once
    // A has been silent for the silence limit, so its lag measures the takeover, not the engine.
    const { rows: unrevokedAtKill } = await client.query<{ id: string }>(
      "select id from grants where state <> 'revoked'",
    )
    const takenOver = new Set(
      unrevokedAtKill.filter((g) => pair.ownerOf(g.id) === a.workerId).map((g) => g.id),
    )
    progress(
      `revocation-2node: node A killed ${killedAtMs} ms into the window holding ${claims.length} claims, ` +
        `${shareAtKill.length} of its share due and unrevoked`,
    )

    const stopAt = Math.max(
      windowEnd + GRACE_MS + STRAGGLER_WAIT_MS,
      killAt + a.leaseMs + b.sweepIntervalMs + PICKUP_MARGIN_MS,
    )
    const allRevoked = async () =>
      (await client.query(UNREVOKED_PROBE)).rows.length === 0
    await waitFor(allRevoked, stopAt)
    const survivorStallMs = survivor.longestStallMs(Date.now())
    await survivor.kill()
    const snapshotAt = Date.now()

    const all = await world.store.grants.list({ limit: grants + 1 })
    const done = all.filter((g) => g.state === 'revoked')
    const left = all.filter((g) => g.state !== 'revoked')
    const byId = new Map(all.map((g) => [g.id, g]))
    const { rows: revokers } = await client.query<{ actor: string; n: string }>(
      "select actor, count(*) as n from audit_events where type = 'grant.revoked' group by actor",
    )
    const revokedBy = (workerId: string) =>
      Number(revokers.find((r) => r.actor === `system:${workerId}`)?.n ?? 0)
    const pickup = pickupOf(claims, byId, killAt, snapshotAt)
    const sharePickups = shareAtKill.map((g) => (byId.get(g.id)?.revokedAt?.getTime() ?? snapshotAt) - killAt)
    // A loop, not Math.max(...): 100,000 arguments can overflow the stack.
    const lastRevokedAt = done.reduce((t, g) => Math.max(t, g.revokedAt?.getTime() ?? 0), base)
    const lagOf = (g: Grant): number =>
      g.state === 'revoked' ? (g.revocationLagMs ?? Number.NaN) : snapshotAt - g.expiresAt.getTime()
    return {
      lag: summarize(all.map(lagOf)),
      lagNotTakenOver: summarize(all.filter((g) => !takenOver.has(g.id)).map(lagOf)),
      lagTakenOver: summarize(all.filter((g) => takenOver.has(g.id)).map(lagOf)),
      takenOver: takenOver.size,
      missed:
        grants -
        done.filter((g) => (g.revokedAt?.getTime() ?? Infinity) <= windowEnd + GRACE_MS).length,
      unrevoked: left.length,
      revokedTwice: await count(
        client,
        "select count(*) as n from (select grant_id from audit_events where type = 'grant.revoked' " +
          'group by grant_id having count(*) > 1) twice',
      ),
      byVictim: revokedBy(a.workerId),
      bySurvivor: revokedBy(b.workerId),
      ...pickup,
      shareAtKill: shareAtKill.length,
      sharePickupMaxMs:
        sharePickups.length === 0 ? Number.NaN : sharePickups.reduce((m, t) => Math.max(m, t), -Infinity),
      leaseMs: a.leaseMs,
      sweepIntervalMs: b.sweepIntervalMs,
      throughput: (done.length * 1000) / Math.max(1, lastRevokedAt - base),
      survivorStallMs,
      jwtRecords: await count(
        client,
        "select count(*) as n from connector_state where key like 'revoked:%' or key like 'expired:%'",
      ),
      revokedWithoutRecord: await count(
        client,
        "select count(*) as n from grants g where g.state = 'revoked' and not exists " +
          "(select 1 from connector_state s where s.key in ('revoked:' || (g.handle::json ->> 'jti'), 'expired:' || (g.handle::json ->> 'exp')))",
      ),
      ...(await failuresOf(client)),
      engineStartMs,
      leadLeftMs,
      lateStartMs,
      killedAtMs,
      seedMs,
    }
  } finally {
    for (const n of nodes) await n.kill()
    await client.end()
    await world.close()
  }
}

/**
 * Grants whose revocation failed at least once. Not revokeAttempts > 1: a claim taken over from
 * the dead node counts a second attempt without any failure.
 */
async function failuresOf(client: pg.Client): Promise<Pick<RunFigures, 'retried' | 'firstError'>> {
  const failed = "type in ('grant.revoke_failed', 'grant.irrevocable')"
  const { rows } = await client.query<{ data: string }>(
    `select data from audit_events where ${failed} order by seq limit 1`,
  )
  const first = rows[0] ? (JSON.parse(rows[0].data) as { error?: unknown }).error : undefined
  return {
    retried: await count(
      client,
      `select count(distinct grant_id) as n from audit_events where ${failed}`,
    ),
    firstError: typeof first === 'string' ? first : null,
  }
}

/**
 * The dead node's claims: how long after the kill the survivor revoked each. A claim the dead
 * node itself finished as it died (its commit landed after the kill) is not an orphan.
 */
function pickupOf(
  claims: ReadonlyArray<{ id: string; lease_until: string }>,
  byId: ReadonlyMap<string, Grant>,
  killAt: number,
  snapshotAt: number,
): Pick<RunFigures, 'orphans' | 'orphansLeft' | 'pickupMaxMs' | 'leaseLeftMaxMs'> {
  const pickups: number[] = []
  let orphansLeft = 0
  let leaseLeftMaxMs = Number.NaN
  for (const claim of claims) {
    const revokedAt = byId.get(claim.id)?.revokedAt?.getTime() ?? null
    if (revokedAt !== null && revokedAt <= killAt) continue
    if (revokedAt === null) orphansLeft++
    pickups.push((revokedAt ?? snapshotAt) - killAt)
    const leaseLeft = Number(claim.lease_until) - killAt
    leaseLeftMaxMs = Number.isNaN(leaseLeftMaxMs) ? leaseLeft : Math.max(leaseLeftMaxMs, leaseLeft)
  }
  return {
    orphans: pickups.length,
    orphansLeft,
    pickupMaxMs: pickups.length === 0 ? Number.NaN : Math.max(...pickups),
    leaseLeftMaxMs,
  }
}

export const revocationTwoNode: Benchmark = {
  name: 'revocation-2node',
  title:
    'Revocation lag: grants expiring within 10 s, two nodes on one PostgreSQL, one killed at 40 %',
  async run(options, progress) {
    const grants = options.grants
    const runs = options.revocationRuns
    const ours: RunFigures[] = []
    const floors: Array<LatencySummary & { longestStallMs: number }> = []
    let origin = ''
    for (let r = 0; r < runs; r++) {
      const database = await benchPostgres(options.pgUrl)
      if ('skipped' in database) {
        return {
          name: this.name,
          title: this.title,
          params: { grants, windowMs: WINDOW_MS, runs },
          rows: [],
          notes: [`PostgreSQL skipped: ${database.skipped}`],
        }
      }
      origin = database.origin
      try {
        ours.push(await oneRun(grants, database.url, progress))
      } finally {
        await database.stop()
      }
      progress(`revocation-2node: run ${r + 1}/${runs} done; timer floor`)
      floors.push(await timerFloor(grants))
    }
    return {
      name: this.name,
      title: this.title,
      params: { grants, windowMs: WINDOW_MS, runs, killAt: KILL_AT },
      rows: rowsOf(ours, floors, grants, SHAPE),
      notes: notesOf(ours, grants, runs, origin, SHAPE),
    }
  },
}
