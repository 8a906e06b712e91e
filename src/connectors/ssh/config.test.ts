import fc from 'fast-check'
import sshpk from 'sshpk'
import { describe, expect, it } from 'vitest'
import { isSourceAddress } from './cidr.js'
import { PRINCIPAL_PATTERN, sshConfigSchema, sshParamsSchema } from './config.js'

const valid = { principals: ['deploy'] }

describe('ssh entitlement params', () => {
  it('applies the safe defaults: a pty, no forwarding, no restrictions', () => {
    expect(sshParamsSchema.parse(valid)).toEqual({
      principals: ['deploy'],
      permitPty: true,
      permitPortForwarding: false,
      permitAgentForwarding: false,
    })
  })

  it.each([
    ['no principals', { principals: [] }],
    ['an empty principal', { principals: [''] }],
    ['a wildcard', { principals: ['*'] }],
    ['a pattern', { principals: ['dep*'] }],
    ['a comma list in one principal', { principals: ['root,admin'] }],
    ['a space', { principals: ['root admin'] }],
    ['a newline', { principals: ['deploy\nroot'] }],
    ['upper case', { principals: ['Deploy'] }],
    ['a leading digit', { principals: ['1deploy'] }],
    ['33 characters', { principals: ['a'.repeat(33)] }],
    ['a repeated principal', { principals: ['deploy', 'deploy'] }],
    ['17 principals', { principals: Array.from({ length: 17 }, (_, i) => `u${i}`) }],
    ['not an array', { principals: 'deploy' }],
    ['a newline in force-command', { ...valid, forceCommand: 'echo hi\nrm -rf /' }],
    ['a tab in force-command', { ...valid, forceCommand: 'echo\thi' }],
    ['an empty force-command', { ...valid, forceCommand: '' }],
    ['a 257-character force-command', { ...valid, forceCommand: 'x'.repeat(257) }],
    ['non-ASCII in force-command', { ...valid, forceCommand: 'echo é' }],
    ['a bad CIDR', { ...valid, sourceAddress: ['10.0.0.0/33'] }],
    ['host bits in a CIDR', { ...valid, sourceAddress: ['10.0.0.1/8'] }],
    ['a hostname', { ...valid, sourceAddress: ['example.com'] }],
    ['a comma-joined list in one entry', { ...valid, sourceAddress: ['10.0.0.0/8,0.0.0.0/0'] }],
    ['an empty address list', { ...valid, sourceAddress: [] }],
    ['an injected extension', { ...valid, permitX11Forwarding: true }],
    ['an injected critical option', { ...valid, criticalOptions: { 'force-command': 'sh' } }],
    ['a key id', { ...valid, keyId: 'admin' }],
    ['a validity', { ...valid, validBefore: 99999999999 }],
    ['a non-boolean permission', { ...valid, permitPty: 'yes' }],
  ])('refuses %s', (_name, params) => {
    expect(sshParamsSchema.safeParse(params).success).toBe(false)
  })

  it('accepts addresses and networks OpenSSH understands', () => {
    const sourceAddress = [
      '127.0.0.1',
      '10.0.0.0/8',
      '192.0.2.0/24',
      '::1',
      '2001:db8::/32',
      '::/0',
    ]
    expect(sshParamsSchema.parse({ ...valid, sourceAddress }).sourceAddress).toEqual(sourceAddress)
  })

  it('never lets a principal carry a separator, wildcard or control character', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 20 }), (principals) => {
        const parsed = sshParamsSchema.safeParse({ principals })
        if (!parsed.success) return
        expect(parsed.data.principals.length).toBeGreaterThan(0)
        for (const principal of parsed.data.principals) {
          expect(principal).toMatch(PRINCIPAL_PATTERN)
          expect(principal).not.toMatch(/[*?,!\s\p{Cc}]/u)
        }
      }),
      { numRuns: 500 },
    )
  })

  it('never lets force-command or a source address break a line or a list', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 60 }), (command, cidr) => {
        const parsed = sshParamsSchema.safeParse({ ...valid, forceCommand: command })
        if (parsed.success) expect(parsed.data.forceCommand).toMatch(/^[\x20-\x7e]{1,256}$/)
        if (isSourceAddress(cidr)) expect(cidr).toMatch(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/)
      }),
      { numRuns: 500 },
    )
  })
})

describe('ssh target configuration', () => {
  it('fills in the TTL and skew defaults', () => {
    expect(sshConfigSchema.parse({ krlPath: '/etc/ssh/hourglass.krl' })).toEqual({
      krlPath: '/etc/ssh/hourglass.krl',
      maxTtlSeconds: 3600,
      clockSkewSeconds: 60,
    })
  })

  it.each([
    ['a relative KRL path', { krlPath: 'revoked.krl' }],
    ['a newline in the KRL path', { krlPath: '/etc/ssh/x\nRevokedKeys none' }],
    ['a TTL over a day', { krlPath: '/k', maxTtlSeconds: 86_401 }],
    ['a TTL under a minute', { krlPath: '/k', maxTtlSeconds: 59 }],
    ['a CA key id with a slash', { krlPath: '/k', caKeyId: '../x' }],
    ['an unknown field', { krlPath: '/k', principals: ['root'] }],
  ])('refuses %s', (_name, config) => {
    expect(sshConfigSchema.safeParse(config).success).toBe(false)
  })

  it('takes an Ed25519 CA key as a Secret, and refuses other keys without quoting them', () => {
    const ed25519 = sshpk.generatePrivateKey('ed25519').toString('openssh')
    const parsed = sshConfigSchema.parse({ krlPath: '/k', caPrivateKey: ed25519 })
    expect(parsed.caPrivateKey?.reveal()).toBe(ed25519)
    expect(JSON.stringify(parsed)).not.toContain('PRIVATE KEY')

    const ecdsa = sshpk.generatePrivateKey('ecdsa').toString('openssh')
    for (const caPrivateKey of [ecdsa, 'not a key', ed25519.slice(0, -40)]) {
      const result = sshConfigSchema.safeParse({ krlPath: '/k', caPrivateKey })
      expect(result.success).toBe(false)
      const messages = result.error?.issues.map((i) => i.message).join(' ') ?? ''
      expect(messages).toContain('Ed25519')
      if (caPrivateKey.length > 80) expect(messages).not.toContain(caPrivateKey.slice(40, 80))
    }
  })
})
