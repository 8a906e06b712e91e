import { describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { reloadPolicy } from '../../../src/app/reload-policy.js'
import { syncCatalog } from '../../../src/app/sync-catalog.js'
import { issueByWorker } from '../../support/issue-by-worker.js'
import { policyDirCopy, sampleCatalogWithTier } from '../../support/context-changes.js'
import { worldPerTest } from '../../support/engine-worlds.js'
import { pgUrlOrSkip } from '../../support/services.js'

const base = pgUrlOrSkip()
const ASK = { entitlementId: 'orders-read', justification: 'Read order history for OPS-7', duration: '1h' }

/*
 * A context change (I7) re-decides the grants in force. A grant whose target is being called
 * when the change lands was decided before it, at its claim: it must be re-decided too, or it
 * becomes active on a decision the change has overturned.
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe.skipIf(engine === 'postgres' && base === null)(`${engine}: a context change while a grant is issued`, () => {
    const each = worldPerTest(engine)

    async function issuedAcross(change: () => Promise<unknown>): Promise<string> {
      issueByWorker(each.world.runtime.deps.connectors, { whileIssuing: change })
      const r = await each.world.as('alice').post('/v1/requests', ASK)
      expect(r.body.request.state).toBe('approved')
      await runDueWork(each.world.runtime.deps)
      return r.body.grant.id as string
    }

    async function expectEndedBy(grantId: string, change: string): Promise<void> {
      const { deps } = each.world.runtime
      expect(await deps.store.grants.get(grantId)).toMatchObject({ state: 'revoked', revokeReason: 'context_change' })
      const events = await deps.store.audit.list({ grantId, limit: 100 })
      const types = events.map((e) => e.type)
      expect(types).toContain('grant.issuing')
      expect(types).not.toContain('grant.activated')
      const requested = events.find((e) => e.type === 'grant.revocation_requested')
      expect(requested?.data).toMatchObject({ fromState: 'issuing', cause: { change, decision: { allowed: false } } })
    }

    it('a re-tier at catalog sync ends the grant being issued', async () => {
      await each.start()
      const catalog = sampleCatalogWithTier('orders-read', 'high')
      const grantId = await issuedAcross(() =>
        syncCatalog(each.world.runtime.deps, catalog, { PUBLIC_URL: 'http://127.0.0.1:7300' }),
      )
      await expectEndedBy(grantId, 'entitlement_retiered')
    })

    it('a policy reload that forbids ends the grant being issued', async () => {
      const policies = await policyDirCopy()
      each.onCleanup(policies.remove)
      await each.start({ policyDir: policies.dir })
      const grantId = await issuedAcross(async () => {
        await policies.freeze()
        const reloaded = await reloadPolicy(each.world.runtime.deps, 'admin')
        expect(reloaded.recheck).toMatchObject({ checked: 1, revoked: [expect.any(String)] })
      })
      await expectEndedBy(grantId, 'policy_reload')
    })
  })
}
