import { describe, expect, it } from 'vitest'
import { isSecret } from '../../config/secret.js'
import { postgresConfigSchema, postgresParamsSchema } from './config.js'

const base = { host: 'db.internal', database: 'orders', user: 'hourglass', password: 's3cret' }

describe('postgres target configuration', () => {
  it('applies defaults and turns the password into a Secret', () => {
    const config = postgresConfigSchema.parse(base)
    expect(config).toMatchObject({ host: 'db.internal', port: 5432, rolePrefix: 'hg_' })
    expect(isSecret(config.password)).toBe(true)
    expect(config.password.reveal()).toBe('s3cret')
    expect(JSON.stringify(config)).not.toContain('s3cret')
  })

  it.each([
    ['a prefix with upper case', { rolePrefix: 'HG_' }],
    ['a prefix with a quote', { rolePrefix: 'hg"' }],
    ['a prefix PostgreSQL reserves', { rolePrefix: 'pg_' }],
    ['a 17-character prefix', { rolePrefix: 'a'.repeat(17) }],
    ['an empty prefix', { rolePrefix: '' }],
    ['a host with a space', { host: 'db host' }],
    ['a host that looks like an option', { host: '-oProxyCommand=x' }],
    ['a user with a quote', { user: 'x"y' }],
    ['a database with a semicolon', { database: 'db;drop' }],
    ['port 0', { port: 0 }],
    ['an unknown sslmode', { sslmode: 'prefer' }],
    ['an empty password', { password: '' }],
    ['a tiny statement timeout', { statementTimeoutMs: 1 }],
    ['an unknown field', { superuser: true }],
  ])('refuses %s', (_name, override) => {
    expect(postgresConfigSchema.safeParse({ ...base, ...override }).success).toBe(false)
  })
})

describe('postgres entitlement params', () => {
  it('accepts role mode with a default connection limit', () => {
    expect(postgresParamsSchema.parse({ mode: 'role', grantRole: 'app_read' })).toEqual({
      mode: 'role',
      grantRole: 'app_read',
      connectionLimit: 5,
    })
  })

  it('accepts checkout mode', () => {
    const params = { mode: 'checkout', account: 'legacy_app' }
    expect(postgresParamsSchema.parse(params)).toEqual(params)
  })

  const hostileNames = [
    ['a double quote', 'x"'],
    ['a quote and SUPERUSER', 'x" SUPERUSER'],
    ['an injected statement', 'x"; ALTER ROLE x SUPERUSER; --'],
    ['a single quote', "app'read"],
    ['a semicolon', 'app;read'],
    ['a backslash', 'app\\read'],
    ['a space', 'app read'],
    ['a NUL byte', 'app\0read'],
    ['a newline', 'app_read\n'],
    ['upper case', 'App_Read'],
    ['a leading digit', '1app'],
    ['a Cyrillic а look-alike', 'аpp_read'],
    ['a fullwidth quote', 'app＂read'],
    ['a right double quotation mark', 'app”read'],
    ['a dotless ı look-alike', 'apı_read'],
    ['a zero-width space', 'app\u200bread'],
    ['64 characters', 'a'.repeat(64)],
    ['the empty string', ''],
  ] as const

  it.each(hostileNames)('refuses a grantRole with %s', (_name, grantRole) => {
    expect(postgresParamsSchema.safeParse({ mode: 'role', grantRole }).success).toBe(false)
  })

  it.each(hostileNames)('refuses a checkout account with %s', (_name, account) => {
    expect(postgresParamsSchema.safeParse({ mode: 'checkout', account }).success).toBe(false)
  })

  it.each([
    ['no mode', { grantRole: 'app_read' }],
    ['an unknown mode', { mode: 'superuser', grantRole: 'app_read' }],
    ['a smuggled attribute', { mode: 'role', grantRole: 'app_read', superuser: true }],
    ['a smuggled option string', { mode: 'role', grantRole: 'app_read', options: 'BYPASSRLS' }],
    ['a connection limit of 0', { mode: 'role', grantRole: 'app_read', connectionLimit: 0 }],
    ['a connection limit of 101', { mode: 'role', grantRole: 'app_read', connectionLimit: 101 }],
    ['a fractional limit', { mode: 'role', grantRole: 'app_read', connectionLimit: 1.5 }],
    ['a role field in checkout', { mode: 'checkout', account: 'a', grantRole: 'b' }],
    ['a non-string role', { mode: 'role', grantRole: ['app_read'] }],
  ])('refuses %s', (_name, raw) => {
    expect(postgresParamsSchema.safeParse(raw).success).toBe(false)
  })
})
