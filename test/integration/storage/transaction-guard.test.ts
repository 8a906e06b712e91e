import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/domain/errors.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import { anIdentity } from '../../support/builders.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

/**
 * The store refuses its own repositories inside one of its transactions (on SQLite the call would
 * wait for the transaction, which waits for it), however the callback reaches them: through a
 * returned promise, timers, Promise.all. Calls from outside must still run. Async stack traces
 * were tried as a cheaper way to tell (docs/benchmarks.md): they miss `return promise` chains.
 */
const dir = mkdtempSync(join(tmpdir(), 'hourglass-guard-'))
const pgUrl = pgUrlOrSkip()
let pgDrop: (() => Promise<void>) | undefined

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await pgDrop?.()
})

const engines: Array<[string, () => Promise<Store>]> = [
  ['sqlite', () => openStore({ sqlitePath: join(dir, 'guard.db') })],
]
if (pgUrl !== null) {
  engines.push([
    'postgres',
    async () => {
      const db = await freshPgDatabase(pgUrl)
      pgDrop = () => db.drop()
      return openStore({ databaseUrl: db.url })
    },
  ])
}

const refused = (error: unknown) => error instanceof AppError && error.code === 'internal'

describe.each(engines)('store transaction guard: %s', (_engine, open) => {
  let store: Store
  const person = anIdentity({ id: 'guard-alice' })

  beforeAll(async () => {
    store = await open()
    await store.transaction((tx) => tx.identities.insert(person))
    return () => store.close()
  })

  it('refuses a call after an await inside the callback, through a helper', async () => {
    const helper = async () => {
      await Promise.resolve()
      return store.identities.get(person.id)
    }
    const error = await store
      .transaction(async (tx) => {
        await tx.identities.get(person.id)
        return helper()
      })
      .catch((e: unknown) => e)
    expect(refused(error)).toBe(true)
  })

  it('refuses calls from async functions under Promise.all, and a nested transaction', async () => {
    const errors = await store.transaction(async (tx) => {
      await tx.identities.get(person.id)
      return Promise.all([
        (async () => {
          await new Promise((resolve) => setImmediate(resolve))
          return store.identities.get(person.id).catch((e: unknown) => e)
        })(),
        store.transaction(() => Promise.resolve(1)).catch((e: unknown) => e),
      ])
    })
    expect(errors.map(refused)).toEqual([true, true])
  })

  it('refuses it after a timer inside the callback', async () => {
    const error = await store
      .transaction(async (tx) => {
        await tx.audit.head()
        await new Promise((resolve) => setTimeout(resolve, 1))
        return store.requests.get('nothing')
      })
      .catch((e: unknown) => e)
    expect(refused(error)).toBe(true)
  })

  it('serves calls from outside while a transaction is open, and work left running after it', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let later: Promise<unknown> | undefined
    const transaction = store.transaction(async (tx) => {
      await tx.identities.get(person.id)
      // Started inside, awaited by nobody inside: it runs after the transaction, as before.
      later = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        return store.identities.get(person.id)
      })()
      await held
      return 'done'
    })
    // Outside the callback: waits for the connection on SQLite, runs at once on PostgreSQL.
    const outside = store.identities.get(person.id)
    release()
    expect(await transaction).toBe('done')
    expect((await outside)?.id).toBe(person.id)
    expect(((await later) as { id: string } | null)?.id).toBe(person.id)
  })
})
