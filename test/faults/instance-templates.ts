import { afterAll, describe, expect, it } from 'vitest'
import type { FaultPoint } from '../../src/domain/fault-points.js'
import { freshPgDatabase } from '../support/services.js'
import { prepareInstance, verifyAudit, type Instance } from './hourglass-process.js'

/**
 * One prepared instance per engine, made on first use and copied by each test (the server's
 * first-run init once, not per fault point); `dispose` removes them and their databases.
 */
export function instanceTemplates(pgBase: string | null): {
  template: (engine: 'sqlite' | 'postgres') => Promise<Instance>
  dispose: () => Promise<void>
} {
  const cleanups: Array<() => Promise<unknown>> = []
  const templates: Partial<Record<'sqlite' | 'postgres', Promise<Instance>>> = {}
  return {
    template: (engine) => {
      templates[engine] ??= (async () => {
        const db = engine === 'postgres' ? await freshPgDatabase(pgBase!) : null
        const instance = await prepareInstance(db ? { databaseUrl: db.url } : {})
        cleanups.push(() => instance.dispose())
        if (db) cleanups.push(() => db.drop())
        return instance
      })()
      return templates[engine]
    },
    dispose: async () => {
      for (const cleanup of cleanups) await cleanup()
    },
  }
}

/**
 * The crash suite of a set of fault points: that `atCrash` names every one of them, then per
 * engine and point `crashAndRecover` (PostgreSQL skipped only without one, never under CI), and
 * the templates removed at the end.
 */
export function crashSuite(options: {
  title: string
  points: readonly FaultPoint[]
  atCrash: Partial<Record<FaultPoint, unknown>>
  pgBase: string | null
  dispose: () => Promise<void>
  crashAndRecover: (engine: 'sqlite' | 'postgres', point: FaultPoint) => Promise<void>
}): void {
  describe(options.title, () => {
    afterAll(async () => {
      await options.dispose()
    })
    it('covers every fault point of the set', () => {
      expect(Object.keys(options.atCrash).sort()).toEqual([...options.points].sort())
    })
    for (const engine of ['sqlite', 'postgres'] as const) {
      for (const point of options.points) {
        it.skipIf(engine === 'postgres' && options.pgBase === null)(
          `${engine}: SIGKILL at ${point}, then restart recovers`,
          () => options.crashAndRecover(engine, point),
          300_000,
        )
      }
    }
  })
}

/** The audit chain verifies live (the server's own check) and offline against the checkpoint file. */
export async function expectAuditVerifies(server: Parameters<typeof verifyAudit>[0], instance: Instance): Promise<void> {
  const { live, offline } = await verifyAudit(server, instance)
  expect(live).toMatchObject({ code: 0, json: { ok: true } })
  expect(offline).toMatchObject({ code: 0, json: { ok: true } })
}
