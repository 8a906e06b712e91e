import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/domain/errors.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import { describeStoreContract } from '../../contracts/store.contract.js'
import { freePort, freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

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
    async (statement) => {
      // A session of its own, as an operator's psql would have.
      const client = new pg.Client({ connectionString: url() })
      await client.connect()
      try {
        await client.query(statement)
      } finally {
        await client.end()
      }
    },
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

  it('reports an unreachable server as store.unavailable without leaking the URL', async () => {
    const port = await freePort()
    const dead = `postgres://hourglass:hunter2-secret@127.0.0.1:${port}/nothing`
    const error = await openStore({ databaseUrl: dead }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('store.unavailable')
    expect((error as AppError).message).not.toContain('hunter2')
  })
})
