/**
 * The merged path of a jwt revocation (src/app/revoke-in-store.ts): the grant goes from active to
 * revoked in the transaction that writes its revocation record. A crash at any of the batch's
 * fault points must leave, per grant, either the active grant and no record, or the revoked grant
 * and its record, never one without the other. The fault here throws where the server's would
 * SIGKILL; the transaction's rollback is the real database's.
 */
import { describe, expect, it } from 'vitest'
import type { ConnectorHost } from '../../../src/app/deps.js'
import { executeRevocations } from '../../../src/app/execute-revocations.js'
import type { ConnectorStateStore } from '../../../src/connectors/connector.js'
import { expiryRecordKey } from '../../../src/connectors/jwt/revocation-records.js'
import { verifyAuditChain } from '../../../src/domain/audit-event.js'
import { FAULT_POINTS, type FaultPoint } from '../../../src/domain/fault-points.js'
import { seedActiveGrants } from '../../../bench/support/seed-grants.js'
import { BOTH_ENGINES, worldOn } from '../../support/engine-worlds.js'

const REVOKE_POINTS = FAULT_POINTS.filter((p) => p.startsWith('revoke.'))
/** Which side of the commit each point is on: before it nothing of the batch may be left. */
const COMMITTED: Record<string, boolean> = {
  'revoke.before_target': false,
  'revoke.after_target': false,
  'revoke.before_commit': false,
  'revoke.after_commit': true,
}

class Crash extends Error {}

/**
 * Each grant a second apart, and apart from every other test's (the world, its clock and its
 * records are shared): revoked past their exp, tokens are recorded by their expiry second
 * (revocation-records.ts), so each token's record is then a record of its own.
 */
let secondsUsed = 0
function distinctSeconds(now: Date, count: number): { expiries: (i: number) => Date; keys: string[] } {
  const first = secondsUsed + 1
  secondsUsed += count
  const expiries = (i: number) => new Date(now.getTime() - (first + i) * 1_000)
  return { expiries, keys: Array.from({ length: count }, (_, i) => expiryRecordKey(Math.floor(expiries(i).getTime() / 1000))) }
}

describe.each(BOTH_ENGINES)('a jwt revocation batch crashing at a fault point, on %s', (engine) => {
  const on = worldOn(engine)

  it.skipIf(on.skip)('covers every revocation fault point', () => {
    expect(REVOKE_POINTS.sort()).toEqual(Object.keys(COMMITTED).sort())
  })

  it.skipIf(on.skip)('falls back to claim → call → commit when the records cannot be written in the transaction', async () => {
    const { deps } = on.world.runtime
    const { store } = deps
    const now = on.world.clock.now()
    const seconds = distinctSeconds(now, 3)
    const ids = await seedActiveGrants(store, deps.ids, 3, new Date(now.getTime() - 60_000), seconds.expiries)
    const broken: ConnectorStateStore = {
      get: () => Promise.reject(new Error('disk gone')),
      put: () => Promise.reject(new Error('disk gone')),
      putIfAbsent: () => Promise.reject(new Error('disk gone')),
      putManyIfAbsent: () => Promise.reject(new Error('disk gone')),
    }
    const connectors: ConnectorHost = {
      definition: (kind) => deps.connectors.definition(kind),
      instanceFor: (target) => deps.connectors.instanceFor(target),
      stateIn: () => broken,
    }
    const ended = await executeRevocations({ ...deps, connectors }, ids)
    expect(ended.map((g) => g?.state)).toEqual(ids.map(() => 'revoked'))
    const events = (await store.audit.list({ limit: 100_000 })).filter((e) => e.grantId !== null && ids.includes(e.grantId))
    // The claim way, with the connector's own state: a claim and a revocation per grant.
    for (const id of ids) {
      expect(events.filter((e) => e.grantId === id).map((e) => e.type)).toEqual(['grant.revoking', 'grant.revoked'])
    }
    expect((await store.connectorState.getMany('orders-api', seconds.keys)).size).toBe(3)
  })

  it.skipIf(on.skip).each(REVOKE_POINTS)('at %s leaves each grant active without a record or revoked with it', async (point: FaultPoint) => {
    const { deps } = on.world.runtime
    const { store } = deps
    const now = on.world.clock.now()
    const seconds = distinctSeconds(now, 5)
    const ids = await seedActiveGrants(store, deps.ids, 5, new Date(now.getTime() - 60_000), seconds.expiries)
    const reached: FaultPoint[] = []
    const crashing = {
      ...deps,
      faults: {
        reach(p: FaultPoint) {
          reached.push(p)
          if (p === point) throw new Crash(p)
        },
      },
    }
    await expect(executeRevocations(crashing, ids)).rejects.toBeInstanceOf(Crash)
    expect(reached.at(-1)).toBe(point)

    const keys = seconds.keys
    const records = async () => store.connectorState.getMany('orders-api', keys)
    const events = async () => (await store.audit.list({ limit: 100_000 })).filter((e) => e.grantId !== null && ids.includes(e.grantId))
    const grants = await store.grants.getMany(ids)
    const afterCrash = await records()
    if (COMMITTED[point]) {
      expect(grants.map((g) => g.state)).toEqual(ids.map(() => 'revoked'))
      expect(afterCrash.size).toBe(ids.length)
      expect((await events()).map((e) => e.type)).toEqual(ids.map(() => 'grant.revoked'))
    } else {
      expect(grants.map((g) => ({ state: g.state, version: g.version }))).toEqual(ids.map(() => ({ state: 'active', version: 1 })))
      expect(afterCrash.size).toBe(0)
      expect(await events()).toEqual([])
    }

    // The next attempt (another node, or this one after a restart) finishes the rest, once each.
    await executeRevocations(deps, ids)
    expect((await store.grants.getMany(ids)).map((g) => g.state)).toEqual(ids.map(() => 'revoked'))
    expect((await records()).size).toBe(ids.length)
    const revoked = (await events()).filter((e) => e.type === 'grant.revoked')
    expect(revoked.map((e) => e.grantId).sort()).toEqual([...ids].sort())
    expect(verifyAuditChain(await store.audit.list({ limit: 100_000 }))).toMatchObject({ ok: true })
  })
})
