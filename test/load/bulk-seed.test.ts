import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IdSource } from '../../src/domain/ports.js'
import { bulkSeedActiveGrants, seedActiveGrants } from '../../bench/support/seed-grants.js'
import { freshPgDatabase, pgUrlOrSkip } from '../support/services.js'
import { startTestWorld, type TestWorld } from '../support/test-runtime.js'

/*
 * The two-node revocation benchmark seeds 100,000 grants with a bulk insert that goes around the
 * store. Its rows must be exactly what the store writes: the same seed (same ids, same times)
 * through the store into one database and in bulk into another must leave identical tables.
 */

const base = pgUrlOrSkip()
/** Spans several requests (100 grants each) and a partial last one. */
const GRANTS = 250

/** The same ids on both sides, so whole rows can be compared. */
function sequentialIds(): IdSource {
  let n = 0
  return {
    newId: (prefix) => `${prefix}_seed${String(n++).padStart(6, '0')}`,
    randomBytes: (size) => new Uint8Array(size),
  }
}

async function rows(url: string, table: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(`select * from "${table}" order by 1, 2`)).rows
  } finally {
    await client.end()
  }
}

describe.skipIf(base === null)('bulk seed of active grants (PostgreSQL)', () => {
  const dbs: Array<{ url: string; drop(): Promise<void> }> = []
  const worlds: TestWorld[] = []

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const db = await freshPgDatabase(base!)
      dbs.push(db)
      worlds.push(await startTestWorld({ databaseUrl: db.url }))
    }
  })
  afterAll(async () => {
    for (const w of worlds) await w.close()
    for (const db of dbs) await db.drop()
  })

  it('writes the same rows as seeding through the store, and returns the ids in seed order', async () => {
    const now = new Date('2026-11-23T12:00:00.123Z')
    const expiry = (i: number) => new Date(now.getTime() + 3_600_000 + i * 37)
    const [viaStore, viaBulk] = worlds
    const storeIds = await seedActiveGrants(viaStore!.runtime.deps.store, sequentialIds(), GRANTS, now, expiry)
    const bulkIds = await bulkSeedActiveGrants(
      viaBulk!.runtime.deps.store,
      dbs[1]!.url,
      sequentialIds(),
      GRANTS,
      now,
      expiry,
    )
    expect(bulkIds).toEqual(storeIds)
    expect(new Set(bulkIds).size).toBe(GRANTS)
    for (const table of ['grants', 'requests', 'request_reviewers']) {
      const [a, b] = [await rows(dbs[0]!.url, table), await rows(dbs[1]!.url, table)]
      expect(b, table).toEqual(a)
    }
    expect(await rows(dbs[1]!.url, 'grants')).toHaveLength(GRANTS)
    expect(await rows(dbs[1]!.url, 'requests')).toHaveLength(3)
    const sample = await viaBulk!.runtime.deps.store.grants.get(bulkIds[GRANTS - 1]!)
    expect(sample).toMatchObject({ state: 'active', connectorKind: 'jwt', expiresAt: expiry(GRANTS - 1) })
  })
})
