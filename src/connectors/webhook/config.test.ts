import { describe, expect, it } from 'vitest'
import { isSecret } from '../../config/secret.js'
import { webhookConfigSchema, webhookParamsSchema } from './config.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const base = { url: 'https://provision.example.com/hourglass', secret: SECRET }

describe('webhook target configuration', () => {
  it('defaults the timeout and attempts, and parses the secret to a Secret', () => {
    const config = webhookConfigSchema.parse(base)
    expect(config).toMatchObject({ url: base.url, timeoutMs: 10_000, maxAttempts: 3 })
    expect(isSecret(config.secret)).toBe(true)
    expect(config.secret.reveal()).toBe(SECRET)
    expect(JSON.stringify(config)).not.toContain('MfKQ9r8G')
  })

  it.each([
    'http://127.0.0.1:8080/provision',
    'http://127.8.9.10/p',
    'http://localhost:3000/',
    'http://[::1]:9/p',
    'https://10.0.0.5/p',
    'https://provision.example.com:8443/p?tenant=a',
  ])('accepts the url %s', (url) => {
    expect(webhookConfigSchema.safeParse({ ...base, url }).success).toBe(true)
  })

  it('accepts a raw secret of at least 16 bytes', () => {
    expect(webhookConfigSchema.safeParse({ ...base, secret: 'a'.repeat(16) }).success).toBe(true)
  })

  it.each([
    ['plain http to another host', { url: 'http://provision.example.com/p' }],
    ['plain http to a private address', { url: 'http://10.0.0.5/p' }],
    ['plain http to a host named like loopback', { url: 'http://127.0.0.1.evil.test/p' }],
    ['plain http to 0.0.0.0', { url: 'http://0.0.0.0/p' }],
    ['another scheme', { url: 'ftp://provision.example.com/p' }],
    ['a javascript url', { url: 'javascript:alert(1)' }],
    ['credentials in the url', { url: 'https://user:pw@provision.example.com/p' }],
    ['a fragment', { url: 'https://provision.example.com/p#x' }],
    ['not a url', { url: 'provision' }],
    ['a short raw secret', { secret: 'short' }],
    ['a whsec_ secret that is not base64', { secret: 'whsec_not base64!' }],
    ['a whsec_ secret under 16 bytes', { secret: 'whsec_AAAA' }],
    ['no secret', { secret: undefined }],
    ['a 50 ms timeout', { timeoutMs: 50 }],
    ['a fractional timeout', { timeoutMs: 1000.5 }],
    ['a three-minute timeout', { timeoutMs: 180_000 }],
    ['zero attempts', { maxAttempts: 0 }],
    ['eleven attempts', { maxAttempts: 11 }],
    ['an unknown field', { headers: { authorization: 'x' } }],
  ])('refuses %s', (_name, overrides) => {
    expect(webhookConfigSchema.safeParse({ ...base, ...overrides }).success).toBe(false)
  })

  it('never quotes the secret in its issues', () => {
    const result = webhookConfigSchema.safeParse({ ...base, secret: 'hunter2-short' })
    expect(JSON.stringify(result.error?.issues)).not.toContain('hunter2')
  })
})

describe('webhook entitlement params', () => {
  it('accepts an entitlement with a few scalar attributes', () => {
    const params = {
      entitlement: 'billing:admin.eu_1-x',
      attributes: { region: 'eu', seats: 3, readOnly: false, 'team.name': 'Zahlungen – EU' },
    }
    expect(webhookParamsSchema.parse(params)).toEqual(params)
    expect(webhookParamsSchema.parse({ entitlement: 'x' })).toEqual({ entitlement: 'x' })
  })

  it('accepts exactly sixteen attributes', () => {
    const attributes = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i]))
    expect(webhookParamsSchema.safeParse({ entitlement: 'x', attributes }).success).toBe(true)
  })

  it.each([
    ['a constructor key', { constructor: 'x' }, true],
    ['a prototype key', { prototype: 1 }, true],
    ['a __proto__ key', JSON.parse('{"__proto__": {"admin": true}}') as object, false],
    ['an infinite number', { a: Infinity }, false],
    ['a NaN', { a: Number.NaN }, false],
    ['a tab', { a: 'x\ty' }, false],
    ['an escape sequence', { a: '\u001b[2J' }, false],
  ])('handles an attribute with %s', (_name, attributes, ok) => {
    expect(webhookParamsSchema.safeParse({ entitlement: 'x', attributes }).success).toBe(ok)
  })
})
