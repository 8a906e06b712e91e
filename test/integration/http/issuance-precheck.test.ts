import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import type { DecisionInput } from '../../../src/policy/policy-engine.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

/*
 * On SQLite the issuance-time decision of an in-store issue is made just before its transaction
 * (src/app/issuance-precheck.ts) and kept only when the transaction reads exactly what it was made
 * on. Here the world changes between the two, the way a concurrent write would: right after the
 * early decision, inside the policy engine's answer to it.
 */

const ASK = { entitlementId: 'orders-read', justification: 'Read order history for OPS-7', duration: '1h' }

let world: TestWorld
beforeEach(async () => {
  world = await startTestWorld({ config: { lifecycle: { sweepIntervalMs: 3_600_000 } } })
})
afterEach(async () => {
  await world.close()
})

/**
 * Records each decision's action, and runs `between` once, after the first `activate` decision
 * (the early one) has been made and before the transaction reads its inputs.
 */
function changeAfterEarlyDecision(between: () => Promise<void> | void): string[] {
  const { deps } = world.runtime
  const decide = deps.policy.decide.bind(deps.policy)
  const actions: string[] = []
  let done = false
  deps.policy = {
    ...deps.policy,
    decide: async (input: DecisionInput) => {
      actions.push(input.action)
      const decision = await decide(input)
      if (input.action === 'activate' && !done) {
        done = true
        await between()
      }
      return decision
    },
  }
  return actions
}

describe('the issuance-time decision made before the transaction', () => {
  it('stands when nothing changed: one issuance-time decision, and the grant is active', async () => {
    const actions = changeAfterEarlyDecision(() => undefined)
    const r = await world.as('alice').post('/v1/requests', ASK)
    expect(r.body.grant.state).toBe('active')
    expect(actions).toEqual(['request', 'activate'])
  })

  it('is made again when the subject was suspended since, and that refusal holds', async () => {
    const { deps } = world.runtime
    const actions = changeAfterEarlyDecision(async () => {
      const alice = await deps.store.identities.get('alice')
      expect(await deps.store.identities.update({ ...alice!, status: 'suspended' }, alice!.version)).toBe(true)
    })
    const r = await world.as('alice').post('/v1/requests', ASK)
    expect(r.status).toBe(201)
    expect(actions).toEqual(['request', 'activate', 'activate'])
    // Declined in the submission (nothing issued there); the worker then records the refusal.
    expect(r.body.grant.state).toBe('scheduled')
    await runDueWork(deps)
    const grant = await deps.store.grants.get(r.body.grant.id)
    expect(grant).toMatchObject({ revokeReason: 'activation_denied' })
    expect(grant!.credentialCiphertext).toBeNull()
  })

  it("is made again when the entitlement's maximum was lowered since, and the new cap applies", async () => {
    const { deps } = world.runtime
    const actions = changeAfterEarlyDecision(async () => {
      const entitlement = await deps.store.catalog.getEntitlement('orders-read')
      await deps.store.catalog.upsertEntitlement({ ...entitlement!, maxDurationSeconds: 600 })
    })
    const r = await world.as('alice').post('/v1/requests', ASK)
    expect(actions).toEqual(['request', 'activate', 'activate'])
    expect(r.body.grant.state).toBe('active')
    const grant = await deps.store.grants.get(r.body.grant.id)
    expect(grant!.expiresAt.getTime() - grant!.startsAt.getTime()).toBe(600_000)
  })

  it('is made again when the clock entered another second (policies see whole seconds)', async () => {
    const actions = changeAfterEarlyDecision(() => {
      world.clock.advance(1_000)
    })
    const r = await world.as('alice').post('/v1/requests', ASK)
    expect(r.body.grant.state).toBe('active')
    expect(actions).toEqual(['request', 'activate', 'activate'])
  })

  it('is made again when another policy bundle came into force since', async () => {
    const { deps } = world.runtime
    let hash = deps.policy.policyHash()
    const actions = changeAfterEarlyDecision(() => {
      hash = 'f'.repeat(64)
    })
    const policy = deps.policy
    deps.policy = { ...policy, policyHash: () => hash }
    const r = await world.as('alice').post('/v1/requests', ASK)
    expect(r.body.grant.state).toBe('active')
    // Made again in the transaction, and once more after the commit: the request was decided
    // under a bundle no longer in force, so the grant is re-decided as a reload's recheck would
    // (in-store-issue-context-change.test.ts).
    expect(actions).toEqual(['request', 'activate', 'activate', 'activate'])
  })
})
