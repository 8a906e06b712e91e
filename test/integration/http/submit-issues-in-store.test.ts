import { AsyncResource } from 'node:async_hooks'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { changeIdentityStatus } from '../../../src/app/change-identity-status.js'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { ConnectorError, type ConnectorInstance } from '../../../src/connectors/connector.js'
import { verifyAuditChain } from '../../../src/domain/audit-event.js'
import type { DecisionInput } from '../../../src/policy/policy-engine.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'
import { countTransactions } from '../../support/count-transactions.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'
import { until } from '../../support/until.js'

const base = pgUrlOrSkip()
const ASK = { entitlementId: 'orders-read', justification: 'Read order history for OPS-7', duration: '1h' }
const ORDER = ['request.submitted', 'request.approved', 'grant.scheduled', 'grant.issuing', 'grant.activated']

/*
 * An auto-approved jwt grant (a connector with `issueInStore`) is decided, written, decided again
 * at issuance, signed and made active in its submission's one transaction, on both engines. What
 * the kill of a process leaves at each step is in test/faults/crash-jwt-issuance.test.ts.
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe.skipIf(engine === 'postgres' && base === null)(`${engine}: issuing in the submission's transaction`, () => {
    let world: TestWorld
    let drop: (() => Promise<void>) | null = null
    async function start(): Promise<TestWorld> {
      // No periodic sweep during a test: it would add transactions of its own to the count.
      const config = { lifecycle: { sweepIntervalMs: 3_600_000 } }
      if (engine === 'sqlite') return (world = await startTestWorld({ config }))
      const db = await freshPgDatabase(base!)
      drop = () => db.drop()
      return (world = await startTestWorld({ config, databaseUrl: db.url }))
    }
    afterEach(async () => {
      await world.close()
      await drop?.()
      drop = null
    })

    it('commits request, both decisions, credential and the active grant in one transaction', async () => {
      await start()
      const { deps } = world.runtime
      const decisions = recordDecisions(world)
      const transactions = countTransactions(world)
      const stateReads = recordStateReads(world)
      const r = await world.as('alice').post('/v1/requests', ASK)
      expect(r.status).toBe(201)
      expect(r.body.grant.state).toBe('active')
      expect(transactions()).toBe(1)
      // A grant this transaction has just created has no revocation record to look for.
      expect(stateReads.some((key) => key.startsWith('revoked:'))).toBe(false)
      // Two decisions, request-time and issuance-time, as on the worker's path.
      expect(decisions).toEqual(['request', 'activate'])

      const grantId: string = r.body.grant.id
      const events = await deps.store.audit.list({ limit: 1_000 })
      const mine = events.filter((e) => e.requestId === r.body.request.id)
      expect(mine.map((e) => e.type)).toEqual(ORDER)
      expect(mine[3]!.data).toEqual({ attempt: 1, targetName: r.body.grant.targetName })
      expect(mine[4]!.actor).toBe(`system:${deps.settings.workerId}`)
      expect(mine[4]!.data).toMatchObject({
        attempt: 1,
        targetName: r.body.grant.targetName,
        decision: { allowed: true, identitiesActive: true, policyHash: expect.any(String) },
      })
      expect(verifyAuditChain(events)).toMatchObject({ ok: true })
      const stored = await deps.store.grants.get(grantId)
      expect(stored).toMatchObject({ state: 'active', issueAttempts: 1, leaseOwner: null, leaseUntil: null })
      expect(stored!.credentialCiphertext).not.toBeNull()
      expect(await runDueWork(deps)).toMatchObject({ issued: 0 })

      // The credential is the one the target's keys verify.
      const cred = await world.as('alice').post(`/v1/grants/${grantId}/credential`)
      const jwks = await world.as(null).get('/v1/targets/orders-api/jwks.json')
      const { payload } = await jwtVerify(cred.body.credential, createLocalJWKSet(jwks.body), {
        audience: 'orders-api',
        currentDate: world.clock.now(),
      })
      expect(payload).toMatchObject({ sub: 'alice', hg_grant: grantId })
      expect((await world.as('olivia').post('/v1/introspect', { token: cred.body.credential })).body.active).toBe(true)
    })

    it('keeps nothing when the connector fails inside, and leaves the grant to the worker', async () => {
      await start()
      const { deps } = world.runtime
      failIssueInStore(world)
      const r = await world.as('alice').post('/v1/requests', ASK)
      expect(r.status).toBe(201)
      // No worker runs in this process: the ordinary path leaves it scheduled for any sweep.
      expect(r.body.grant.state).toBe('scheduled')
      // The probe the connector wrote before failing was rolled back with everything else.
      expect(await deps.store.connectorState.get('orders-api', 'probe')).toBeNull()
      const requests = await deps.store.requests.list({ requesterId: 'alice', limit: 10 })
      expect(requests.map((q) => q.id)).toEqual([r.body.request.id])

      expect(await runDueWork(deps)).toMatchObject({ issued: 1 })
      const events = (await deps.store.audit.list({ limit: 1_000 })).filter((e) => e.requestId === r.body.request.id)
      expect(events.map((e) => e.type)).toEqual(ORDER)
      expect(verifyAuditChain(await deps.store.audit.list({ limit: 1_000 }))).toMatchObject({ ok: true })
    })

    it('leaves a refusal at issuance to the worker, which records it as before', async () => {
      await start()
      const { deps } = world.runtime
      const decide = deps.policy.decide.bind(deps.policy)
      deps.policy = {
        ...deps.policy,
        decide: async (input: DecisionInput) => {
          const decision = await decide(input)
          return input.action === 'activate' ? { ...decision, allowed: false, reasons: ['refused at issuance'] } : decision
        },
      }
      const r = await world.as('alice').post('/v1/requests', ASK)
      expect(r.status).toBe(201)
      expect(r.body.grant.state).toBe('scheduled')
      await runDueWork(deps)
      const grant = await deps.store.grants.get(r.body.grant.id)
      expect(grant).toMatchObject({ revokeReason: 'activation_denied' })
      expect(grant!.credentialCiphertext).toBeNull()
      const types = (await deps.store.audit.list({ limit: 1_000 }))
        .filter((e) => e.requestId === r.body.request.id)
        .map((e) => e.type)
      expect(types).toContain('grant.activation_denied')
      expect(types).not.toContain('grant.activated')
    })

    it('leaves no active grant behind a suspension that races the submission (T40)', async () => {
      await start()
      const { deps } = world.runtime
      // The suspension starts while the issuance-time decision is being made and is given a
      // moment to commit. It ends the identity's grants after its commit: were the identity not
      // held, that would run before this grant's commit and miss it.
      // Both run as an admin's call and a reader elsewhere would: outside the submission's transaction.
      const suspend = AsyncResource.bind(() => changeIdentityStatus(deps, 'admin', 'alice', 'suspended'))
      const suspended = AsyncResource.bind(() =>
        until(async () => (await deps.store.identities.get('alice'))?.status === 'suspended', 500),
      )
      let suspension = null as Promise<unknown> | null
      const decide = deps.policy.decide.bind(deps.policy)
      deps.policy = {
        ...deps.policy,
        decide: async (input: DecisionInput) => {
          const decision = await decide(input)
          if (input.action === 'activate' && suspension === null) {
            suspension = suspend()
            await suspended()
          }
          return decision
        },
      }
      const r = await world.as('alice').post('/v1/requests', ASK)
      expect(r.status).toBe(201)
      expect(suspension).not.toBeNull()
      await suspension
      await runDueWork(deps)
      const grant = await deps.store.grants.get(r.body.grant.id)
      expect(grant!.state).toBe('revoked')
      expect(['context_change', 'activation_denied']).toContain(grant!.revokeReason)
    })
  })
}


function recordDecisions(world: TestWorld): string[] {
  const { deps } = world.runtime
  const decide = deps.policy.decide.bind(deps.policy)
  const actions: string[] = []
  deps.policy = {
    ...deps.policy,
    decide: (input: DecisionInput) => {
      actions.push(input.action)
      return decide(input)
    },
  }
  return actions
}

/** The keys the connectors read from their state inside a transaction. */
function recordStateReads(world: TestWorld): string[] {
  const host = world.runtime.deps.connectors
  const stateIn = host.stateIn.bind(host)
  const keys: string[] = []
  host.stateIn = (tx, target) => {
    const state = stateIn(tx, target)
    const get = state.get.bind(state)
    state.get = (key: string) => {
      keys.push(key)
      return get(key)
    }
    return state
  }
  return keys
}

/** The jwt connector's in-store issue writes to its state, then fails: a rollback must take both. */
function failIssueInStore(world: TestWorld): void {
  const host = world.runtime.deps.connectors
  const instanceFor = host.instanceFor.bind(host)
  host.instanceFor = async (target) => {
    const instance = await instanceFor(target)
    return new Proxy(instance, {
      get(t, property, receiver) {
        if (property !== 'issueInStore') return Reflect.get(t, property, receiver) as unknown
        const failing: ConnectorInstance['issueInStore'] = async (_grant, state) => {
          await state.put('probe', 'written before the failure')
          throw new ConnectorError('unreachable', 'the state store failed', { retryable: true })
        }
        return failing
      },
    })
  }
}
