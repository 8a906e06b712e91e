/**
 * Pruning jwt revocation records through the real connector host, store and runtime: only records
 * past their token's exp plus the retention go; a token whose record is kept is still refused by
 * it, and one whose record was pruned is still refused by its own exp. The runtime prunes from
 * its sweep at most once a minute, and an HTTP worker of a multi-process node never does.
 */
import { describe, expect, it } from 'vitest'
import {
  pruneConnectorState,
  PRUNE_BATCH_SIZE,
  PRUNE_MAX_STATEMENTS,
} from '../../../src/app/prune-connector-state.js'
import type { GrantSpec } from '../../../src/connectors/connector.js'
import type { JwtConnectorInstance } from '../../../src/connectors/jwt/jwt-connector.js'
import { jtiForGrant } from '../../../src/connectors/jwt/jwt-connector.js'
import { expiryRecordKey, tokenRecordKey } from '../../../src/connectors/jwt/revocation-records.js'
import { connectorStatePruning } from '../../../src/main/connector-state-pruning.js'
import { createRuntime } from '../../../src/main/runtime.js'
import { createMetrics } from '../../../src/observability/metrics.js'
import {
  wrapRepository,
  type ConnectorStateRepository,
  type Repositories,
} from '../../../src/storage/store.js'
import { BOTH_ENGINES, worldOn, type EngineWorld } from '../../support/engine-worlds.js'
import { recordingLog, silentLog } from '../../support/test-runtime.js'

const RETENTION = 3_600
const MINUTE = 60_000
const options = () => ({ signal: new AbortController().signal })
const seconds = (d: Date) => Math.floor(d.getTime() / 1000)

async function ordersApi(on: EngineWorld): Promise<JwtConnectorInstance> {
  const target = await on.world.runtime.deps.store.catalog.getTarget('orders-api')
  if (!target) throw new Error('the sample catalog has no orders-api')
  return (await on.world.runtime.connectors.instanceFor(target)) as JwtConnectorInstance
}

function spec(on: EngineWorld, grantId: string, minutes: number): GrantSpec {
  const now = on.world.clock.now()
  return {
    grantId,
    targetName: `hg_${grantId}`,
    subjectId: 'alice',
    entitlementId: 'orders-read',
    params: { scopes: ['orders:read'] },
    startsAt: now,
    expiresAt: new Date(now.getTime() + minutes * MINUTE),
  }
}

async function present(on: EngineWorld, keys: string[]): Promise<string[]> {
  return [
    ...(await on.world.runtime.deps.store.connectorState.getMany('orders-api', keys)).keys(),
  ].sort()
}

/** A record past the retention now: a token issued, expired and revoked, then the retention passed. */
async function recordPastRetention(on: EngineWorld, grantId: string): Promise<string> {
  const jwt = await ordersApi(on)
  const issued = await jwt.issue(spec(on, grantId, 2), options())
  on.world.clock.advance(3 * MINUTE)
  await jwt.revoke(issued.handle, options())
  on.world.clock.advance(RETENTION * 1000)
  return expiryRecordKey(issued.handle.exp as number)
}

async function prunedJwt(on: EngineWorld): Promise<number> {
  const { values } = await on.world.runtime.metrics.connectorStatePruned.get()
  return values.find((v) => v.labels.kind === 'jwt')?.value ?? 0
}

describe.each(BOTH_ENGINES)('pruning jwt revocation records on %s', (engine) => {
  const on = worldOn(engine)

  it.skipIf(on.skip)(
    'removes only records past exp + retention; kept ones still refuse, pruned ones are refused by exp',
    async () => {
      const { deps } = on.world.runtime
      const jwt = await ordersApi(on)
      const short = await jwt.issue(spec(on, 'grt_short', 10), options())
      const long = await jwt.issue(spec(on, 'grt_long', 180), options())
      const untouched = await jwt.issue(spec(on, 'grt_untouched', 180), options())
      const lapsing = await jwt.issue(spec(on, 'grt_lapsing', 5), options())
      on.world.clock.advance(MINUTE)
      // Both write paths of the host: a batch (revokeMany) and one record (revoke).
      expect(await jwt.revokeMany!([short.handle, long.handle], options())).toEqual([
        { ok: true, liveness: 'gone' },
        { ok: true, liveness: 'gone' },
      ])
      await jwt.revoke({ grantId: 'grt_never' }, options())
      on.world.clock.advance(5 * MINUTE)
      await jwt.revoke(lapsing.handle, options())
      const keys = [
        tokenRecordKey(jtiForGrant('grt_short')),
        tokenRecordKey(jtiForGrant('grt_long')),
        tokenRecordKey(jtiForGrant('grt_never')),
        expiryRecordKey(lapsing.handle.exp as number),
      ]
      expect(await present(on, keys)).toEqual([...keys].sort())

      // One second short of the short token's retention: nothing goes yet.
      on.world.clock.set(new Date(((short.handle.exp as number) + RETENTION) * 1000))
      expect((await pruneConnectorState(deps, { retentionSeconds: RETENTION })).pruned).toEqual({
        jwt: 1,
      })
      expect(await present(on, keys)).toEqual([keys[0], keys[1], keys[2]].sort())
      on.world.clock.advance(1_000)
      expect(await pruneConnectorState(deps, { retentionSeconds: RETENTION })).toEqual({
        pruned: { jwt: 1 },
        failures: 0,
      })
      expect(await present(on, keys)).toEqual([keys[1], keys[2]].sort())
      expect(await deps.store.connectorState.get('orders-api', 'signing-key')).not.toBeNull()

      // The long token is within its lifetime: only its record refuses it (its twin is active).
      expect(seconds(on.world.clock.now())).toBeLessThan(long.handle.exp as number)
      expect((await jwt.introspect(untouched.credential.reveal())).active).toBe(true)
      expect(await jwt.introspect(long.credential.reveal())).toEqual({ active: false })
      // The pruned ones: their own exp refuses them.
      expect(await jwt.introspect(short.credential.reveal())).toEqual({ active: false })
      expect(await jwt.introspect(lapsing.credential.reveal())).toEqual({ active: false })
      // A token revoked before it was issued keeps its record, so it is never minted later.
      await expect(jwt.issue(spec(on, 'grt_never', 30), options())).rejects.toThrow(
        /already revoked/,
      )
    },
  )

  it.skipIf(on.skip)(
    'deletes 1,000 rows a statement and 20 statements a pass at most; the rest goes next pass',
    async () => {
      const { deps } = on.world.runtime
      const now = seconds(on.world.clock.now())
      const backlog = PRUNE_BATCH_SIZE * PRUNE_MAX_STATEMENTS + 5
      const rows = Array.from(
        { length: backlog },
        (_, i) => [`expired:bulk-${String(i)}`, 'sealed', now - RETENTION - 10 - i] as const,
      )
      await deps.store.connectorState.putManyIfAbsent('orders-api', rows)
      const calls: number[] = []
      const store = wrapRepository(
        deps.store,
        'connectorState',
        (inner): ConnectorStateRepository => ({
          ...inner,
          deleteExpired: async (targetId, below, batchSize) => {
            calls.push(batchSize)
            return inner.deleteExpired(targetId, below, batchSize)
          },
        }),
      )
      const first = await pruneConnectorState({ ...deps, store }, { retentionSeconds: RETENTION })
      expect(first.pruned.jwt).toBe(PRUNE_BATCH_SIZE * PRUNE_MAX_STATEMENTS)
      expect(calls).toEqual(Array.from({ length: PRUNE_MAX_STATEMENTS }, () => PRUNE_BATCH_SIZE))
      // The oldest went first: the five newest (the first written) are left.
      expect(
        await present(
          on,
          rows.slice(0, 6).map(([k]) => k),
        ),
      ).toEqual(
        rows
          .slice(0, 5)
          .map(([k]) => k)
          .sort(),
      )
      const second = await pruneConnectorState({ ...deps, store }, { retentionSeconds: RETENTION })
      expect(second.pruned.jwt).toBe(5)
    },
  )

  it.skipIf(on.skip)(
    'a target whose pass fails is logged and counted; the other targets are still pruned',
    async () => {
      const { deps } = on.world.runtime
      const now = seconds(on.world.clock.now())
      await deps.store.connectorState.put(
        'payments-api',
        'expired:1',
        'sealed',
        now - RETENTION - 1,
      )
      await deps.store.connectorState.put('orders-api', 'expired:2', 'sealed', now - RETENTION - 1)
      const store = wrapRepository(
        deps.store,
        'connectorState',
        (inner): ConnectorStateRepository => ({
          ...inner,
          deleteExpired: (targetId, below, batchSize) =>
            targetId === 'orders-api'
              ? Promise.reject(new Error('disk I/O error'))
              : inner.deleteExpired(targetId, below, batchSize),
        }),
      )
      const log = recordingLog()
      expect(
        await pruneConnectorState({ ...deps, store, log }, { retentionSeconds: RETENTION }),
      ).toEqual({
        pruned: { jwt: 1 },
        failures: 1,
      })
      expect(log.lines.filter((l) => l.includes('pruning connector state failed'))).toHaveLength(1)
      expect(await deps.store.connectorState.get('payments-api', 'expired:1')).toBeNull()
      expect(await deps.store.connectorState.get('orders-api', 'expired:2')).toBe('sealed')
    },
  )

  it.skipIf(on.skip)(
    'the sweep’s pass counts failures in metrics and never throws, a failing catalog included',
    async () => {
      const { deps } = on.world.runtime
      const metrics = createMetrics()
      const failures = async () =>
        (await metrics.connectorStatePruneFailures.get()).values[0]?.value
      const failing = (repos: Pick<Repositories, 'catalog' | 'connectorState'>) => ({
        ...deps,
        log: recordingLog(),
        store: repos,
      })
      const brokenState = wrapRepository(deps.store, 'connectorState', (inner) => ({
        ...inner,
        deleteExpired: () => Promise.reject(new Error('disk I/O error')),
      }))
      // Both sample jwt targets fail: one failure each.
      await connectorStatePruning(failing(brokenState), metrics, RETENTION)()
      expect(await failures()).toBe(2)
      const brokenCatalog = wrapRepository(deps.store, 'catalog', (inner) => ({
        ...inner,
        listTargets: () => Promise.reject(new Error('connection terminated')),
      }))
      const run = connectorStatePruning(failing(brokenCatalog), metrics, RETENTION)
      await expect(run()).resolves.toBeUndefined()
      expect(await failures()).toBe(3)
    },
  )

  it.skipIf(on.skip)(
    'the runtime prunes from its sweep at most once a minute, and counts what it pruned',
    async () => {
      const { runtime } = on.world
      await runtime.engine.sweep()
      const before = await prunedJwt(on)
      const first = await recordPastRetention(on, 'grt_sweep_1')
      // The last pass was more than a minute ago by now (the clock moved on with the record).
      await runtime.engine.sweep()
      expect(await present(on, [first])).toEqual([])
      expect(await prunedJwt(on)).toBe(before + 1)

      await runtime.deps.store.connectorState.put(
        'orders-api',
        'expired:late',
        'sealed',
        seconds(on.world.clock.now()) - RETENTION - 1,
      )
      on.world.clock.advance(MINUTE - 1_000)
      await runtime.engine.sweep()
      expect(await present(on, ['expired:late'])).toEqual(['expired:late'])
      on.world.clock.advance(1_000)
      await runtime.engine.sweep()
      expect(await present(on, ['expired:late'])).toEqual([])
      expect(await prunedJwt(on)).toBe(before + 2)
    },
  )

  it.skipIf(on.skip)(
    'an HTTP worker of a multi-process node never prunes, whatever its engine is asked',
    async () => {
      const { runtime, clock } = on.world
      const worker = await createRuntime(runtime.config, silentLog, {
        clock,
        store: runtime.deps.store,
        random: () => 0.5,
        clusterWorker: {
          relay: { grantActivated: () => undefined, revocationRequested: () => undefined },
          metricsText: () => Promise.resolve({ contentType: 'text/plain', body: '' }),
          checkpointNow: () => Promise.resolve(null),
        },
      })
      try {
        const record = await recordPastRetention(on, 'grt_worker')
        await worker.engine.sweep()
        expect(await present(on, [record])).toEqual([record])
        await runtime.engine.sweep()
        expect(await present(on, [record])).toEqual([])
      } finally {
        await worker.close()
      }
    },
  )
})
