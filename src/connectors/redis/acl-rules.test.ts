import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aclRules, passwordDigest, readbackMismatches, requestedAcl } from './acl-rules.js'
import type { AclUser } from './acl-user.js'
import {
  ACL_KEYWORDS,
  COMMAND_PATTERN,
  GRANTABLE_CATEGORIES,
  KEY_PATTERN,
  redisParamsSchema,
} from './config.js'

const DIGEST = passwordDigest('correct horse battery staple')
/** What an attacker would like to see among the SETUSER arguments (T15). */
const HOSTILE = [
  ...['nopass', '+@all', '~*', '&*', '%RW~*', 'allcommands', 'allkeys', 'allchannels'],
  ...['reset', 'resetpass', 'resetkeys', 'off', '>pw', '<pw', '#00', '!00', '+@admin'],
  ...['+@dangerous', '+@scripting', '+config', '+acl', '+flushall', '+eval', '(~* +@all)'],
  ...[' ', '"', "'", '\n', '\r', '\0', '~app:* +@all', 'app:* nopass'],
]
const CONTROL = new Set(['reset', 'resetchannels', 'on', '-@all', '-@dangerous', `#${DIGEST}`])

/** Mostly values of the right shape, with hostile tokens and arbitrary strings mixed in. */
const mostly = (valid: fc.Arbitrary<string>) =>
  fc.array(
    fc.oneof(
      { weight: 12, arbitrary: valid },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE, ...ACL_KEYWORDS, '*', '?*') },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'binary-ascii' }) },
    ),
    { maxLength: 4 },
  )
const rawParams = fc.record(
  {
    keyPatterns: mostly(fc.stringMatching(KEY_PATTERN)),
    categories: mostly(fc.constantFrom(...GRANTABLE_CATEGORIES)),
    commands: mostly(fc.stringMatching(COMMAND_PATTERN)),
    channels: mostly(fc.stringMatching(KEY_PATTERN)),
  },
  { requiredKeys: ['keyPatterns', 'categories'] },
)

describe('ACL rules built from entitlement params', () => {
  it('puts each rule in its own argument, in a fixed order', () => {
    const params = redisParamsSchema.parse({
      keyPatterns: ['app:*', 'app:*', 'cache:{eu}:*'],
      categories: ['read', 'string'],
      commands: ['ping'],
      channels: ['news.*'],
    })
    expect(aclRules(requestedAcl(params), DIGEST)).toEqual([
      ...['reset', 'resetchannels', 'on', `#${DIGEST}`, '~app:*', '~cache:{eu}:*', '&news.*'],
      ...['-@all', '+@read', '+@string', '-@dangerous', '+ping'],
    ])
  })

  it('never contains a hostile token, whatever params the schema accepts', () => {
    fc.assert(
      fc.property(rawParams, (raw) => {
        const parsed = redisParamsSchema.safeParse(raw)
        if (!parsed.success) return true
        const rules = aclRules(requestedAcl(parsed.data), DIGEST)
        // Our own control rules come first, once; nothing after them may be a hostile token.
        expect(rules.slice(0, 4)).toEqual(['reset', 'resetchannels', 'on', `#${DIGEST}`])
        for (const rule of rules.slice(4)) {
          expect(HOSTILE).not.toContain(rule)
          expect(rule).not.toMatch(/[\s"'\0\\%()<>!]/)
          expect(rule).not.toMatch(/^[~&][*?[]/)
          const known =
            CONTROL.has(rule) ||
            /^[~&][A-Za-z0-9:_{}.-][A-Za-z0-9:_{}.*?[\]-]*$/.test(rule) ||
            (GRANTABLE_CATEGORIES as readonly string[]).includes(rule.slice(2)) ||
            COMMAND_PATTERN.test(rule.slice(1))
          expect(known, rule).toBe(true)
        }
        return true
      }),
      { numRuns: 2000 },
    )
  })

  it('accepts enough generated params for the property to mean something', () => {
    const sample = fc.sample(rawParams, { numRuns: 2000, seed: 42 })
    const accepted = sample.filter((raw) => redisParamsSchema.safeParse(raw).success)
    expect(accepted.length).toBeGreaterThan(50)
  })
})

describe('reading a user back', () => {
  const acl = requestedAcl(
    redisParamsSchema.parse({ keyPatterns: ['app:*'], categories: ['read'], channels: ['n.*'] }),
  )
  const exact: AclUser = {
    flags: ['on', 'sanitize-payload'],
    passwords: [DIGEST],
    commands: ['-@all', '+@read', '-keys', '-sort_ro'],
    keys: ['~app:*'],
    channels: ['&n.*'],
    selectors: [],
  }

  it('finds nothing wrong with exactly the requested user', () => {
    expect(readbackMismatches(exact, acl, DIGEST)).toEqual([])
  })

  it.each([
    ['a disabled user', { flags: ['off', 'sanitize-payload'] }],
    ['nopass', { flags: ['on', 'nopass'] }],
    ['a second password', { passwords: [DIGEST, passwordDigest('other')] }],
    ['another password', { passwords: [passwordDigest('other')] }],
    ['all keys', { keys: ['~*'] }],
    ['an extra key pattern', { keys: ['~app:*', '~other:*'] }],
    ['read-only keys instead', { keys: ['%R~app:*'] }],
    ['all channels', { channels: ['&*'] }],
    ['a selector', { selectors: [{ commands: ['+@all'], keys: ['~*'], channels: [] }] }],
    ['all commands', { commands: ['+@all'] }],
    ['admin commands', { commands: ['-@all', '+@read', '+@admin'] }],
  ])('reports %s', (_name, change) => {
    const problems = readbackMismatches({ ...exact, ...change }, acl, DIGEST)
    expect(problems.length).toBeGreaterThan(0)
    expect(problems.join(' ')).not.toContain(DIGEST)
  })
})
