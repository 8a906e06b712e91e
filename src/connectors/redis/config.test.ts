import { describe, expect, it } from 'vitest'
import { isSecret } from '../../config/secret.js'
import { redisConfigSchema, redisParamsSchema } from './config.js'

const base = { host: 'cache.internal', username: 'hourglass', password: 'admin-pass' }

describe('redis target configuration', () => {
  it('fills in the defaults and turns the password into a Secret', () => {
    const config = redisConfigSchema.parse(base)
    expect(config).toMatchObject({ port: 6379, userPrefix: 'hg_', persistAcl: false })
    expect(isSecret(config.password)).toBe(true)
    expect(config.password.reveal()).toBe('admin-pass')
    expect(JSON.stringify(config)).not.toContain('admin-pass')
  })

  it('accepts IP addresses and an explicit timeout', () => {
    for (const host of ['127.0.0.1', '::1', 'fd00::6379']) {
      expect(redisConfigSchema.safeParse({ ...base, host, connectTimeoutMs: 500 }).success).toBe(
        true,
      )
    }
  })

  it.each([
    ['an empty password', { ...base, password: '' }],
    ['a host with a path', { ...base, host: 'cache/evil' }],
    ['a host with credentials', { ...base, host: 'u:p@cache' }],
    ['port 0', { ...base, port: 0 }],
    ['an admin name with a space', { ...base, username: 'hour glass' }],
    ['an admin name that reads as a rule', { ...base, username: '>pw' }],
    ['an admin name under the user prefix', { ...base, username: 'hg_admin' }],
    ['an empty user prefix', { ...base, userPrefix: '' }],
    ['a user prefix with a dash', { ...base, userPrefix: 'hg-' }],
    ['a user prefix with a sigil', { ...base, userPrefix: '~hg' }],
    ['a timeout of 5 ms', { ...base, connectTimeoutMs: 5 }],
    ['an unknown field', { ...base, tls: true }],
  ])('refuses %s', (_name, raw) => {
    expect(redisConfigSchema.safeParse(raw).success).toBe(false)
  })
})

describe('redis entitlement params', () => {
  it('accepts key patterns, categories, commands and channels', () => {
    const params = {
      keyPatterns: ['app:*', 'user:{eu}:[0-9]?', 'a.b-c_d'],
      categories: ['read', 'write', 'pubsub'],
      commands: ['ping', 'object|freq'],
      channels: ['news.*'],
    }
    expect(redisParamsSchema.parse(params)).toEqual(params)
  })

  it('accepts named commands without categories', () => {
    const params = { keyPatterns: ['app:*'], categories: [], commands: ['get'] }
    expect(redisParamsSchema.safeParse(params).success).toBe(true)
  })

  const read = { keyPatterns: ['app:*'], categories: ['read'] }
  it.each([
    ['a bare * pattern', { ...read, keyPatterns: ['*'] }],
    ['a pattern that starts with a wildcard', { ...read, keyPatterns: ['?*'] }],
    ['a pattern that starts with a class', { ...read, keyPatterns: ['[a-z]*'] }],
    ['a ~* rule as a pattern', { ...read, keyPatterns: ['~*'] }],
    ['a read-only selector as a pattern', { ...read, keyPatterns: ['%R~app:*'] }],
    ['a pattern with a space', { ...read, keyPatterns: ['app:* +@all'] }],
    ['a pattern with quotes', { ...read, keyPatterns: ['"app:*"'] }],
    ['a pattern with a backslash', { ...read, keyPatterns: ['app\\:*'] }],
    ['a pattern that is an ACL keyword', { ...read, keyPatterns: ['nopass'] }],
    ['a pattern that is reset', { ...read, keyPatterns: ['RESET'] }],
    ['a password rule as a pattern', { ...read, keyPatterns: ['>pw'] }],
    ['a selector as a pattern', { ...read, keyPatterns: ['(~*'] }],
    ['a 129-character pattern', { ...read, keyPatterns: [`a${'b'.repeat(128)}`] }],
    ['no patterns', { ...read, keyPatterns: [] }],
    ['17 patterns', { ...read, keyPatterns: Array.from({ length: 17 }, (_, i) => `k${i}:*`) }],
    ['category all', { ...read, categories: ['all'] }],
    ['category admin', { ...read, categories: ['admin'] }],
    ['category dangerous', { ...read, categories: ['dangerous'] }],
    ['category scripting', { ...read, categories: ['scripting'] }],
    ['a category rule', { ...read, categories: ['+@all'] }],
    ['allcommands as a category', { ...read, categories: ['allcommands'] }],
    ['nothing granted', { ...read, categories: [] }],
    ['command config', { ...read, commands: ['config'] }],
    ['command config|get', { ...read, commands: ['config|get'] }],
    ['command acl|setuser', { ...read, commands: ['acl|setuser'] }],
    ['command flushall', { ...read, commands: ['flushall'] }],
    ['command keys', { ...read, commands: ['keys'] }],
    ['command eval', { ...read, commands: ['eval'] }],
    ['command module|load', { ...read, commands: ['module|load'] }],
    ['command debug', { ...read, commands: ['debug'] }],
    ['command shutdown', { ...read, commands: ['shutdown'] }],
    ['command client|kill', { ...read, commands: ['client|kill'] }],
    ['a command with a sigil', { ...read, commands: ['+@all'] }],
    ['an upper-case command', { ...read, commands: ['GET'] }],
    ['a command with a space', { ...read, commands: ['get set'] }],
    ['the keyword nocommands', { ...read, commands: ['nocommands'] }],
    ['the keyword on as a command', { ...read, commands: ['on'] }],
    ['a bare * channel', { ...read, channels: ['*'] }],
    ['a &* channel', { ...read, channels: ['&*'] }],
    ['allchannels', { ...read, channels: ['allchannels'] }],
    ['an unknown field', { ...read, passwords: ['>pw'] }],
    ['a smuggled flag', { ...read, flags: ['nopass'] }],
    ['a non-array pattern list', { ...read, keyPatterns: 'app:*' }],
  ])('refuses %s', (_name, raw) => {
    expect(redisParamsSchema.safeParse(raw).success).toBe(false)
  })
})
