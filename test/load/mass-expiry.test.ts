import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyExport } from '../../src/audit/verify-chain.js'
import { LifecycleEngine } from '../../src/engine/lifecycle-engine.js'
import { LiveClock } from '../support/live-clock.js'
import { seedActiveGrants } from '../../bench/support/seed-grants.js'
import { freshPgDatabase, pgUrlOrSkip } from '../support/services.js'
import { startTestWorld, type TestWorld } from '../support/test-runtime.js'

/*
 * 10,000 grants expiring in the same millisecond, revoked by the real lifecycle engine on wall-
 * clock time (its heap and timer, its sweeps) with a second engine over the same store racing it
 * for every claim, as two nodes would. None may be lost, none revoked twice, every revocation
 * must carry its lag. Lag is printed for information only: benchmarks own timing.
 */

const GRANTS = 10_000
/**
 * PostgreSQL runs the same race on fewer grants: its claims are the same compare-and-swap on
 * different SQL, and ten thousand round trips per step would put the file far over its budget.
 */
const PG_GRANTS = 2_000
/** Seeded expiries are parked beyond the engines' horizon, then moved to here from now. */
const LEAD_MS = 2_000
const PARKED_MS = 86_400_000
/** A sanity bound, not a performance figure. */
const ALL_REVOKED_WITHIN_MS = 5 * 60_000

type Db = { url: string | undefined; drop(): Promise<void> }

/**
 * Moves every parked expiry to `at` in one statement. The store has no bulk update, and this runs
 * before any engine starts, so nothing observes the change.
 */
async function moveExpiries(world: TestWorld, db: Db, at: number): Promise<void> {
  if (db.url === undefined) {
    const sqlite = new SqliteDatabase(path.join(world.dataDir, 'hourglass.db'), { timeout: 5_000 })
    try {
      sqlite.prepare("update grants set expires_at = ? where state = 'active'").run(at)
    } finally {
      sqlite.close()
    }
    return
  }
  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  try {
    await client.query("update grants set expires_at = $1 where state = 'active'", [at])
  } finally {
    await client.end()
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

function massExpirySuite(name: string, count: number, database: () => Promise<Db>) {
  describe(`${count.toLocaleString('en')} grants expiring in the same second (${name})`, () => {
    let db: Db
    let world: TestWorld
    let rival: LifecycleEngine | undefined

    beforeAll(async () => {
      db = await database()
      world = await startTestWorld({ clock: new LiveClock(), ...(db.url ? { databaseUrl: db.url } : {}) })
    })
    afterAll(async () => {
      await rival?.stop()
      await world.close()
      await db.drop()
    })

    it('revokes every one exactly once, each with its lag recorded', async () => {
      const { deps } = world.runtime
      const { store } = deps
      const seedStart = Date.now()
      const grantIds = await seedActiveGrants(store, deps.ids, count, new Date(), new Date(Date.now() + PARKED_MS))
      const seedMs = Date.now() - seedStart
      const dueAt = Date.now() + LEAD_MS
      await moveExpiries(world, db, dueAt)
      const auditBefore = await store.audit.head()

      rival = new LifecycleEngine(deps, { sweepIntervalMs: 5_000, horizonMs: 600_000, concurrency: 8 })
      await world.runtime.engine.start()
      await rival.start()
      expect((await store.grants.countByState()).revoked ?? 0).toBe(0)

      const deadline = dueAt + ALL_REVOKED_WITHIN_MS
      while (Date.now() < deadline && ((await store.grants.countByState()).revoked ?? 0) < count) {
        await new Promise((r) => setTimeout(r, 500))
      }
      const doneAt = Date.now()
      await world.runtime.engine.stop()
      await rival.stop()

      expect(await store.grants.countByState()).toEqual({ revoked: count })
      const grants = await store.grants.list({ states: ['revoked'], limit: count + 1 })
      expect(new Set(grants.map((g) => g.id))).toEqual(new Set(grantIds))
      for (const g of grants) {
        expect(g.revokeReason).toBe('expired')
        expect(g.revokedAt).not.toBeNull()
        expect(g.revocationLagMs).toBeGreaterThanOrEqual(0)
        expect(g.revocationLagMs).toBe(Math.max(0, g.revokedAt!.getTime() - dueAt))
      }

      const events = await store.audit.list({ afterSeq: auditBefore.seq, limit: 1_000_000 })
      const revokedEvents = events.filter((e) => e.type === 'grant.revoked')
      const perGrant = new Map<string, number>()
      for (const e of revokedEvents) perGrant.set(e.grantId!, (perGrant.get(e.grantId!) ?? 0) + 1)
      expect(perGrant.size).toBe(count)
      expect([...perGrant.values()].filter((n) => n !== 1)).toEqual([])
      await world.runtime.checkpointer.maybeCheckpoint(true)
      const all = await store.audit.list({ limit: 1_000_000 })
      expect(verifyExport(all, await store.audit.listCheckpoints(), deps.auditPublicKeyPem).ok).toBe(true)

      const lags = grants.map((g) => g.revocationLagMs!).sort((a, b) => a - b)
      const retried = grants.filter((g) => g.revokeAttempts > 1).length
      console.info(
        `[mass-expiry ${name}] ${count} grants seeded in ${seedMs} ms; all revoked ${doneAt - dueAt} ms after the due time; ` +
          `lag p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms, max ${percentile(lags, 100)} ms; ` +
          `${retried} needed more than one attempt (information only: benchmarks own timing)`,
      )
    }, ALL_REVOKED_WITHIN_MS + 120_000)
  })
}

massExpirySuite('SQLite', GRANTS, () => Promise.resolve({ url: undefined, drop: () => Promise.resolve() }))

const pgBase = pgUrlOrSkip()
if (pgBase) massExpirySuite('PostgreSQL', PG_GRANTS, () => freshPgDatabase(pgBase))
else describe.skip(`${PG_GRANTS} grants expiring in the same second (PostgreSQL: no server)`, () => undefined)
