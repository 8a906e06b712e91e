import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AppDeps } from '../../../src/app/deps.js'
import { submitRequest } from '../../../src/app/submit-request.js'
import { verifyAuditChain } from '../../../src/domain/audit-event.js'
import { issueByWorker } from '../../support/issue-by-worker.js'
import { countTransactions } from '../../support/count-transactions.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const ASK = { entitlementId: 'orders-read', justification: 'Read order history for OPS-7', duration: '1h' }

async function waitForState(world: TestWorld, grantId: string, state: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await world.runtime.deps.store.grants.get(grantId))?.state === state) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`grant ${grantId} never became ${state}`)
}

describe('an auto-approved grant that starts now is claimed by its submission', () => {
  let world: TestWorld
  beforeEach(async () => {
    // No periodic sweep during a test: it would add transactions of its own to the count.
    world = await startTestWorld({ config: { lifecycle: { sweepIntervalMs: 3_600_000 } } })
    // The claim rides on the submission for connectors that call out; jwt issues in it instead.
    issueByWorker(world.runtime.deps.connectors)
  })
  afterEach(async () => {
    await world.close()
  })

  it('commits it issuing, leased to this worker, with the claim audited after grant.scheduled', async () => {
    await world.runtime.engine.start()
    const { workerId } = world.runtime.deps.settings
    const transactions = countTransactions(world)
    const r = await world.as('alice').post('/v1/requests', ASK)
    expect(r.status).toBe(201)
    const grantId: string = r.body.grant.id
    expect(r.body.grant.state).toBe('issuing')
    await waitForState(world, grantId, 'active')
    // Submit, then activation: the claim rode on the submit transaction.
    expect(transactions()).toBe(2)

    const events = await world.runtime.deps.store.audit.list({ limit: 1_000 })
    const mine = events.filter((e) => e.requestId === r.body.request.id)
    expect(mine.map((e) => e.type)).toEqual([
      'request.submitted',
      'request.approved',
      'grant.scheduled',
      'grant.issuing',
      'grant.activated',
    ])
    // The same shape as a claim transaction records, and contiguous with the submission.
    const issuing = mine[3]!
    expect(issuing.actor).toBe(`system:${workerId}`)
    expect(issuing.data).toEqual({ attempt: 1, targetName: r.body.grant.targetName })
    expect(issuing.seq).toBe(mine[2]!.seq + 1)
    expect(mine[4]!.data).toMatchObject({ attempt: 1 })
    expect(verifyAuditChain(events)).toMatchObject({ ok: true })
    const stored = await world.runtime.deps.store.grants.get(grantId)
    expect(stored).toMatchObject({ state: 'active', issueAttempts: 1, leaseOwner: null, leaseUntil: null })
  })

  it('leaves it scheduled when no worker runs in this process', async () => {
    const r = await world.as('alice').post('/v1/requests', ASK)
    expect(r.status).toBe(201)
    expect(r.body.grant.state).toBe('scheduled')
    const stored = await world.runtime.deps.store.grants.get(r.body.grant.id)
    expect(stored).toMatchObject({ state: 'scheduled', issueAttempts: 0, leaseOwner: null, leaseUntil: null })
  })

  it('releases, on stop, a claim whose issuance never started, so any sweep resumes it at once', async () => {
    await world.runtime.engine.start()
    const { deps } = world.runtime
    // As if the worker's queue were full: the grant is committed claimed, but no job runs it.
    const unsignalled: AppDeps = { ...deps, signals: { ...deps.signals, grantScheduled: () => undefined } }
    const alice = (await deps.store.identities.get('alice'))!
    const { grant } = await submitRequest(unsignalled, alice, { entitlementId: 'orders-read', justification: ASK.justification })
    const claimed = await deps.store.grants.get(grant!.id)
    expect(claimed).toMatchObject({ state: 'issuing', issueAttempts: 1, leaseOwner: deps.settings.workerId })
    expect(claimed!.leaseUntil!.getTime()).toBe(world.clock.now().getTime() + deps.settings.leaseMs)

    await world.runtime.engine.stop()
    const released = await deps.store.grants.get(grant!.id)
    expect(released).toMatchObject({ state: 'issuing', leaseOwner: null, leaseUntil: null })
    const due = await deps.store.grants.listIssuable(world.clock.now(), 10)
    expect(due.map((g) => g.id)).toContain(grant!.id)
  })
})
