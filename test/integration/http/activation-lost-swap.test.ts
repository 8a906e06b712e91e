import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { activateGrant } from '../../../src/app/activate-grant.js'
import type { FaultPoint } from '../../../src/domain/fault-points.js'
import { issueByWorker } from '../../support/issue-by-worker.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
beforeEach(async () => {
  world = await startTestWorld()
  // A lost swap is a claim → issue → commit matter: jwt grants are issued by the worker here.
  issueByWorker(world.runtime.deps.connectors)
})
afterEach(async () => {
  await world.close()
})

describe('activation whose grant changed while the target was called', () => {
  it('does not record the grant active: the issued credential is revoked', async () => {
    const { deps } = world.runtime
    const r = await world.as('alice').post('/v1/requests', {
      entitlementId: 'orders-read',
      justification: 'Lost swap: revocation requested while issuing',
    })
    const grantId: string = r.body.grant.id
    // Another process flags the issuing row for revocation between the target call and the commit
    // (a separate connection, as that process would have; no transaction of ours is open then).
    const flagRevocation = (point: FaultPoint) => {
      if (point !== 'issue.after_target') return
      const db = new Database(path.join(world.dataDir, 'hourglass.db'))
      try {
        db.prepare(
          'update grants set revoke_due_at = ?, revoke_reason = ?, version = version + 1 where id = ?',
        ).run(world.clock.now().getTime(), 'cancelled', grantId)
      } finally {
        db.close()
      }
    }
    const ended = await activateGrant({ ...deps, faults: { reach: flagRevocation } }, grantId)
    expect(ended).toMatchObject({ id: grantId, state: 'revoked', revokeReason: 'cancelled' })
    const types = (await deps.store.audit.list({ grantId, limit: 50 })).map((e) => e.type)
    expect(types).not.toContain('grant.activated')
    // A jwt revocation is one transaction with its record: no `grant.revoking` claim before it.
    expect(types).toEqual(expect.arrayContaining(['grant.issuing', 'grant.revoked']))
    expect(types).not.toContain('grant.revoking')
  })
})
