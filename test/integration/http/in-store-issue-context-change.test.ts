import { AsyncResource } from 'node:async_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { reloadPolicy } from '../../../src/app/reload-policy.js'
import { syncCatalog } from '../../../src/app/sync-catalog.js'
import type { DecisionInput } from '../../../src/policy/policy-engine.js'
import { policyDirCopy, sampleCatalogWithTier } from '../../support/context-changes.js'
import { worldPerTest } from '../../support/engine-worlds.js'
import { pgUrlOrSkip } from '../../support/services.js'

const base = pgUrlOrSkip()
const ASK = { entitlementId: 'orders-read', justification: 'Read order history for OPS-7', duration: '1h' }
/** How long the submission gives the change to finish before it goes on to commit. */
const CHANGE_WINDOW_MS = 500

/*
 * A jwt grant is decided and made active in its submission's one transaction
 * (submit-issues-in-store.test.ts). A context change (I7) committed while that transaction is
 * open re-decides the grants in force after its commit, when this one is not visible yet: the
 * grant must still end up re-decided, never active on the overturned decision.
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe.skipIf(engine === 'postgres' && base === null)(`${engine}: a context change racing an in-store issue`, () => {
    const each = worldPerTest(engine)

    /**
     * Runs `change` once the issuance-time decision is made, as an admin's call elsewhere would
     * (outside the submission's transaction), and lets it finish, or wait, for CHANGE_WINDOW_MS.
     */
    function changeAtIssuanceDecision(change: () => Promise<unknown>): () => Promise<unknown> {
      const { deps } = each.world.runtime
      const run = AsyncResource.bind(change)
      const wait = AsyncResource.bind((p: Promise<unknown>) => Promise.race([p, sleep(CHANGE_WINDOW_MS)]))
      let running: Promise<unknown> | null = null
      const decide = deps.policy.decide.bind(deps.policy)
      deps.policy = {
        ...deps.policy,
        decide: async (input: DecisionInput) => {
          const decision = await decide(input)
          if (input.action === 'activate' && running === null) {
            running = run()
            await wait(running)
          }
          return decision
        },
      }
      return async () => {
        expect(running).not.toBeNull()
        return running
      }
    }

    async function expectNotActive(grantId: string, change: string): Promise<void> {
      const { deps } = each.world.runtime
      await runDueWork(deps)
      const grant = await deps.store.grants.get(grantId)
      expect(grant!.state).toBe('revoked')
      // Re-decided after the change committed (context_change), or refused at issuance by the
      // worker once the submission gave the issue up (activation_denied).
      expect(['context_change', 'activation_denied']).toContain(grant!.revokeReason)
      if (grant!.revokeReason === 'context_change') {
        const events = await deps.store.audit.list({ grantId, limit: 100 })
        const requested = events.find((e) => e.type === 'grant.revocation_requested')
        expect(requested?.data).toMatchObject({ cause: { change, decision: { allowed: false } } })
      }
    }

    it('a re-tier committed meanwhile re-decides the grant', async () => {
      await each.start()
      const catalog = sampleCatalogWithTier('orders-read', 'high')
      const changed = changeAtIssuanceDecision(() =>
        syncCatalog(each.world.runtime.deps, catalog, { PUBLIC_URL: 'http://127.0.0.1:7300' }),
      )
      const r = await each.world.as('alice').post('/v1/requests', ASK)
      expect(r.status).toBe(201)
      await changed()
      await expectNotActive(r.body.grant.id, 'entitlement_retiered')
    })

    it('a policy reload meanwhile re-decides the grant', async () => {
      const policies = await policyDirCopy()
      each.onCleanup(policies.remove)
      await each.start({ policyDir: policies.dir })
      const changed = changeAtIssuanceDecision(async () => {
        await policies.freeze()
        return reloadPolicy(each.world.runtime.deps, 'admin')
      })
      const r = await each.world.as('alice').post('/v1/requests', ASK)
      expect(r.status).toBe(201)
      await changed()
      await expectNotActive(r.body.grant.id, 'policy_reload')
    })
  })
}
