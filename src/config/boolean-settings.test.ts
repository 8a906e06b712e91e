import { describe, expect, it } from 'vitest'
import { generateDataKey } from '../security/aes-sealer.js'
import { loadConfig } from './load.js'
import type { Config } from './schema.js'

/** The on/off settings: on unless turned off, from a file or their variable; nothing else passes. */
describe.each([
  ['policyThread', 'HOURGLASS_POLICY_THREAD'],
  ['databasePreparedStatements', 'HOURGLASS_DATABASE_PREPARED_STATEMENTS'],
] as const)('%s', (setting, variable) => {
  const env = (value?: string) => ({
    HOURGLASS_DATA_KEY: generateDataKey(),
    HOURGLASS_DATA_DIR: '.hourglass-test',
    ...(value === undefined ? {} : { [variable]: value }),
  })
  const read = (value?: string): Config[typeof setting] => loadConfig({ env: env(value) })[setting]

  it('is on by default', () => {
    expect(read()).toBe(true)
  })

  it.each([
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
  ])(`reads ${variable}=%s as %s`, (value, expected) => {
    expect(read(value)).toBe(expected)
  })

  it.each(['off', 'yes', '__proto__', 'constructor'])('refuses %s by name', (value) => {
    expect(() => read(value)).toThrow(new RegExp(setting))
  })
})
