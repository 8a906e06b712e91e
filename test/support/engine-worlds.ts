import { afterAll, afterEach, beforeAll } from 'vitest'
import type { ConfigInput } from '../../src/config/schema.js'
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

export interface WorldPerTest {
  /** Starts this test's world with `config` (the periodic sweep off: tests drive the worker). */
  start(config?: Partial<ConfigInput>): Promise<TestWorld>
  /** The world the running test started. */
  readonly world: TestWorld
  /** Undone after the test, once its world is closed, the latest first. */
  onCleanup(undo: () => Promise<void>): void
}

/**
 * A fresh world for each test on `engine` (a database of its own on PostgreSQL), started by the
 * test itself with its own config; closed after it. Use inside a describe block skipped when
 * PostgreSQL is asked for and missing.
 */
export function worldPerTest(engine: 'sqlite' | 'postgres'): WorldPerTest {
  let world: TestWorld | undefined
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    await world?.close()
    world = undefined
    for (const undo of cleanups.splice(0).reverse()) await undo()
  })
  return {
    async start(config = {}) {
      const all = { ...config, lifecycle: { ...config.lifecycle, sweepIntervalMs: 3_600_000 } }
      if (engine === 'sqlite') return (world = await startTestWorld({ config: all }))
      const db = await freshPgDatabase(pg!)
      cleanups.push(() => db.drop())
      return (world = await startTestWorld({ config: all, databaseUrl: db.url }))
    },
    get world() {
      if (!world) throw new Error('start() the test’s world first')
      return world
    },
    onCleanup(undo) {
      cleanups.push(undo)
    },
  }
}
