import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { verifyAuditChain } from '../../../src/domain/audit-event.js'
import { createRuntime, type Runtime } from '../../../src/main/runtime.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'
import { issueByWorker } from '../../support/issue-by-worker.js'
import { silentLog, startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const base = pgUrlOrSkip()

describe.skipIf(!base)('two workers on one PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> }
  let world: TestWorld
  let second: Runtime
  let secondStore: Store

  beforeAll(async () => {
    db = await freshPgDatabase(base!)
    world = await startTestWorld({ databaseUrl: db.url })
    secondStore = await openStore({ databaseUrl: db.url })
    second = await createRuntime(world.runtime.config, silentLog, { clock: world.clock, store: secondStore, random: () => 0.5 })
    // The race is over claims: jwt grants go to the workers here, as a remote target's do.
    issueByWorker(world.runtime.deps.connectors)
    issueByWorker(second.deps.connectors)
  })
  afterAll(async () => {
    await second.close()
    await secondStore.close()
    await world.close()
    await db.drop()
  })

  it('issue and revoke every grant exactly once when both race for the same work', async () => {
    const ids: string[] = []
    for (let i = 0; i < 30; i++) {
      const r = await world.as(i % 2 ? 'alice' : 'bob').post('/v1/requests', { entitlementId: 'orders-read', justification: `Batch job number ${i} needs reads`, duration: '10m' })
      expect(r.status).toBe(201)
      ids.push(r.body.grant.id)
    }
    const issued = await Promise.all([runDueWork(world.runtime.deps), runDueWork(second.deps)])
    expect(issued[0].issued + issued[1].issued).toBe(30)

    world.clock.advance(10 * 60 * 1000 + 5)
    const revoked = await Promise.all([runDueWork(world.runtime.deps), runDueWork(second.deps)])
    expect(revoked[0].revoked + revoked[1].revoked).toBe(30)

    const events = await world.runtime.deps.store.audit.list({ limit: 100_000 })
    for (const id of ids) {
      const mine = events.filter((e) => e.grantId === id)
      expect(mine.filter((e) => e.type === 'grant.activated')).toHaveLength(1)
      expect(mine.filter((e) => e.type === 'grant.revoked')).toHaveLength(1)
    }
    expect(verifyAuditChain(events)).toMatchObject({ ok: true })
  })
})
