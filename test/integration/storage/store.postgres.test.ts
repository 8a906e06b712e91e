import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/domain/errors.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import { describeStoreContract } from '../../contracts/store.contract.js'
import { freePort, freshPgDatabase, pgUrlOrSkip, withClient } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()

describe.skipIf(baseUrl === null)('PostgreSQL store', () => {
  let database: { url: string; drop(): Promise<void> } | undefined
  const url = () => {
    if (!database) throw new Error('no test database')
    return database.url
  }

  beforeAll(async () => {
    database = await freshPgDatabase(baseUrl!)
  })

  afterAll(async () => {
    await database?.drop()
  })

  describeStoreContract(
    'postgres',
    () => openStore({ databaseUrl: url(), poolSize: 5 }),
    // A session of its own, as an operator's psql would have.
    (statement) => withClient(url(), (client) => client.query(statement)),
  )

  it('two processes migrating a new database at once both succeed', async () => {
    const fresh = await freshPgDatabase(baseUrl!)
    try {
      const stores = await Promise.all([
        openStore({ databaseUrl: fresh.url, poolSize: 2 }),
        openStore({ databaseUrl: fresh.url, poolSize: 2 }),
      ])
      for (const store of stores) {
        expect(store.engine).toBe('postgres')
        expect(await store.audit.head()).toEqual({ seq: 0, hash: '0'.repeat(64) })
        await store.close()
      }
    } finally {
      await fresh.drop()
    }
  })

  it('a connection dropped by the server mid-transaction fails that transaction, not the process', async () => {
    // A restart or failover terminates backends while a transaction holds its client between two
    // statements; pg reports that on the client itself, where an unheard 'error' is fatal.
    const uncaught: unknown[] = []
    const hear = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', hear)
    const store = await openStore({ databaseUrl: url(), poolSize: 2 })
    const admin = new pg.Client({ connectionString: url() })
    await admin.connect()
    try {
      const before = await store.requests.list({ limit: 1 })
      const failed = await store
        .transaction(async (tx) => {
          await tx.requests.list({ limit: 1 })
          const { rowCount } = await admin.query(
            `select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and application_name = 'hourglass' and state = 'idle in transaction'`,
          )
          expect(rowCount).toBe(1)
          // Let the server's termination notice reach the idle client before its next statement.
          await new Promise((r) => setTimeout(r, 300))
          await tx.requests.list({ limit: 1 })
        })
        .catch((e: unknown) => e)
      expect(failed).toBeInstanceOf(AppError)
      expect((failed as AppError).code).toBe('store.unavailable')
      expect(uncaught).toEqual([])
      // The pool discarded the broken client; the store goes on.
      expect(await store.requests.list({ limit: 1 })).toEqual(before)
    } finally {
      process.off('uncaughtException', hear)
      await admin.end()
      await store.close()
    }
  })

  it('reports an unreachable server as store.unavailable without leaking the URL', async () => {
    const port = await freePort()
    const dead = `postgres://hourglass:hunter2-secret@127.0.0.1:${port}/nothing`
    const error = await openStore({ databaseUrl: dead }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('store.unavailable')
    expect((error as AppError).message).not.toContain('hunter2')
  })
})
