import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load.js'
import { generateDataKey } from '../security/aes-sealer.js'
import { databaseOptionsOf } from './database-options.js'

describe('databaseOptionsOf', () => {
  const config = (env: Record<string, string>) =>
    loadConfig({ env: { HOURGLASS_DATA_KEY: generateDataKey(), HOURGLASS_DATA_DIR: 'data', ...env } })
  const url = 'postgres://hourglass@db.internal:5432/hourglass'

  it('opens PostgreSQL with prepared statements unless turned off', () => {
    expect(databaseOptionsOf(config({ HOURGLASS_DATABASE_URL: url }))).toEqual({
      databaseUrl: url,
      preparedStatements: true,
    })
    expect(
      databaseOptionsOf(config({ HOURGLASS_DATABASE_URL: url, HOURGLASS_DATABASE_PREPARED_STATEMENTS: 'false' })),
    ).toEqual({ databaseUrl: url, preparedStatements: false })
  })

  it('opens SQLite in the data directory without a URL', () => {
    expect(databaseOptionsOf(config({}))).toEqual({ sqlitePath: expect.stringMatching(/data[/\\]hourglass\.db$/) })
  })
})
