import { afterAll, beforeAll } from 'vitest'
import { freshPgDatabase, pgUrlOrSkip } from './services.js'
import { startTestWorld, type TestWorld } from './test-runtime.js'

const pg = pgUrlOrSkip()

/** `describe.each` cases: the same tests on SQLite and on PostgreSQL. */
export const BOTH_ENGINES = [['SQLite'], ['PostgreSQL']] as const

export type EngineName = (typeof BOTH_ENGINES)[number][0]

export interface EngineWorld {
  /** The world of this describe block; only inside its tests and hooks. */
  readonly world: TestWorld
  /** The block's own PostgreSQL database; null on SQLite. */
  readonly databaseUrl: string | null
  /** PostgreSQL was asked for and none is available (never under CI=true: pgUrlOrSkip throws). */
  readonly skip: boolean
}

/**
 * A test world on `engine` for one describe block, with a fresh database of its own on
 * PostgreSQL: started before the block's tests; at the end `beforeClose` runs (engines to stop,
 * stores to close), then the world closes and the database is dropped.
 */
export function worldOn(engine: EngineName, beforeClose?: () => Promise<void>): EngineWorld {
  const skip = engine === 'PostgreSQL' && pg === null
  let db: { url: string; drop(): Promise<void> } | null = null
  let world: TestWorld | undefined
  beforeAll(async () => {
    if (skip) return
    db = engine === 'PostgreSQL' ? await freshPgDatabase(pg!) : null
    world = await startTestWorld(db ? { databaseUrl: db.url } : {})
  })
  afterAll(async () => {
    if (skip) return
    await beforeClose?.()
    await world?.close()
    await db?.drop()
  })
  return {
    get world() {
      if (!world) throw new Error('the test world exists only inside the block’s tests and hooks')
      return world
    },
    get databaseUrl() {
      return db?.url ?? null
    },
    skip,
  }
}
