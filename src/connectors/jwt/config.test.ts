import { describe, expect, it } from 'vitest'
import { jwtConfigSchema, jwtParamsSchema } from './config.js'

const base = { issuer: 'https://hourglass.test/t/api', audience: 'https://api.test' }

describe('jwt target configuration', () => {
  it('defaults maxTtlSeconds to an hour', () => {
    expect(jwtConfigSchema.parse(base)).toEqual({ ...base, maxTtlSeconds: 3600 })
  })

  it.each([
    ['a non-url issuer', { ...base, issuer: 'hourglass' }],
    ['a non-http issuer', { ...base, issuer: 'javascript:alert(1)' }],
    ['an empty audience', { ...base, audience: '' }],
    ['an audience with spaces', { ...base, audience: 'a b' }],
    ['a zero ttl', { ...base, maxTtlSeconds: 0 }],
    ['a ttl beyond a day', { ...base, maxTtlSeconds: 86_401 }],
    ['a fractional ttl', { ...base, maxTtlSeconds: 1.5 }],
    ['an invalid default scope', { ...base, defaultScopes: ['Admin'] }],
    ['an unknown field', { ...base, algorithm: 'HS256' }],
  ])('refuses %s', (_name, raw) => {
    expect(jwtConfigSchema.safeParse(raw).success).toBe(false)
  })
})

describe('jwt entitlement params', () => {
  it('accepts scopes and an optional audience', () => {
    const params = { scopes: ['orders:read', 'a.b_c-d'], audience: 'https://billing.test' }
    expect(jwtParamsSchema.parse(params)).toEqual(params)
  })

  it.each([
    ['no scopes', { scopes: [] }],
    ['a scope with a space', { scopes: ['orders:read admin'] }],
    ['an upper-case scope', { scopes: ['ADMIN'] }],
    ['an empty scope', { scopes: [''] }],
    ['a 65-character scope', { scopes: ['a'.repeat(65)] }],
    ['33 scopes', { scopes: Array.from({ length: 33 }, (_, i) => `s${i}`) }],
    ['a smuggled subject', { scopes: ['a'], sub: 'idn_root' }],
    ['smuggled claims', { scopes: ['a'], claims: { admin: true } }],
    ['a non-string audience', { scopes: ['a'], audience: ['x', 'y'] }],
  ])('refuses %s', (_name, raw) => {
    expect(jwtParamsSchema.safeParse(raw).success).toBe(false)
  })
})
