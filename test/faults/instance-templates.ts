import { freshPgDatabase } from '../support/services.js'
import { prepareInstance, type Instance } from './hourglass-process.js'

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
