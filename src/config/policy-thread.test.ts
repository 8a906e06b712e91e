import { describe, expect, it } from 'vitest'
import { generateDataKey } from '../security/aes-sealer.js'
import { loadConfig } from './load.js'

/** `policyThread`: on unless turned off, from a file or HOURGLASS_POLICY_THREAD; nothing else passes. */
describe('policyThread', () => {
  const env = (value?: string) => ({ HOURGLASS_DATA_KEY: generateDataKey(), HOURGLASS_DATA_DIR: '.hourglass-test', ...(value === undefined ? {} : { HOURGLASS_POLICY_THREAD: value }) })

  it('is on by default', () => {
    expect(loadConfig({ env: env() }).policyThread).toBe(true)
  })

  it.each([
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
  ])('reads HOURGLASS_POLICY_THREAD=%s as %s', (value, expected) => {
    expect(loadConfig({ env: env(value) }).policyThread).toBe(expected)
  })

  it.each(['off', 'yes', '__proto__', 'constructor'])('refuses %s by name', (value) => {
    expect(() => loadConfig({ env: env(value) })).toThrow(/policyThread/)
  })
})
