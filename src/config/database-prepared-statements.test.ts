import { describe, expect, it } from 'vitest'
import { generateDataKey } from '../security/aes-sealer.js'
import { loadConfig } from './load.js'

/** `databasePreparedStatements`: on unless turned off (a pooler that cannot keep them). */
describe('databasePreparedStatements', () => {
  const env = (value?: string) => ({
    HOURGLASS_DATA_KEY: generateDataKey(),
    HOURGLASS_DATA_DIR: '.hourglass-test',
    ...(value === undefined ? {} : { HOURGLASS_DATABASE_PREPARED_STATEMENTS: value }),
  })

  it('is on by default', () => {
    expect(loadConfig({ env: env() }).databasePreparedStatements).toBe(true)
  })

  it.each([
    ['false', false],
    ['0', false],
    ['true', true],
  ])('reads HOURGLASS_DATABASE_PREPARED_STATEMENTS=%s as %s', (value, expected) => {
    expect(loadConfig({ env: env(value) }).databasePreparedStatements).toBe(expected)
  })

  it('refuses another spelling by name', () => {
    expect(() => loadConfig({ env: env('off') })).toThrow(/databasePreparedStatements/)
  })
})
