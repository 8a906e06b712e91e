import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load.js'
import { generateDataKey } from '../security/aes-sealer.js'
import { databaseOptionsOf } from './database-options.js'

describe('databaseOptionsOf', () => {
  const config = (env: Record<string, string>) =>
    loadConfig({ env: { HOURGLASS_DATA_KEY: generateDataKey(), HOURGLASS_DATA_DIR: 'data', ...env } })
  const url = 'postgres://hourglass@db.internal:5432/hourglass'

  it('opens PostgreSQL with prepared statements unless turned off, and a pool of 10 unless set', () => {
    expect(databaseOptionsOf(config({ HOURGLASS_DATABASE_URL: url }))).toEqual({
      databaseUrl: url,
      preparedStatements: true,
      poolSize: 10,
    })
    expect(
      databaseOptionsOf(
        config({
          HOURGLASS_DATABASE_URL: url,
          HOURGLASS_DATABASE_PREPARED_STATEMENTS: 'false',
          HOURGLASS_DATABASE_POOL_SIZE: '24',
        }),
      ),
    ).toEqual({ databaseUrl: url, preparedStatements: false, poolSize: 24 })
  })

  it('refuses a pool size that is not a whole number from 1 to 1,000', () => {
    for (const size of ['0', '1001', '2.5', 'ten']) {
      expect(() => config({ HOURGLASS_DATABASE_URL: url, HOURGLASS_DATABASE_POOL_SIZE: size })).toThrow(
        expect.objectContaining({ code: 'config.invalid' }),
      )
    }
  })

  it('opens SQLite in the data directory without a URL', () => {
    expect(databaseOptionsOf(config({}))).toEqual({ sqlitePath: expect.stringMatching(/data[/\\]hourglass\.db$/) })
  })
})
