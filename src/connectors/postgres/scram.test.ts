import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generatePassword, scramVerifier, VERIFIER_PATTERN } from './scram.js'

/** RFC 7677 §3: user "user", password "pencil". */
const RFC7677 = {
  salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
  authMessage:
    'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
    'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  clientProof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverSignature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
}

describe('SCRAM-SHA-256 verifier', () => {
  it('matches the RFC 7677 exchange: the server can check the proof and sign back', async () => {
    const verifier = await scramVerifier('pencil', { salt: RFC7677.salt })
    const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier)
    expect(match?.[1]).toBe('W22ZaJ0SNY7soEsUEjb6gQ==')
    const storedKey = Buffer.from(match![2]!, 'base64')
    const serverKey = Buffer.from(match![3]!, 'base64')

    const serverSignature = createHmac('sha256', serverKey).update(RFC7677.authMessage).digest()
    expect(serverSignature.toString('base64')).toBe(RFC7677.serverSignature)

    const clientSignature = createHmac('sha256', storedKey).update(RFC7677.authMessage).digest()
    const proof = Buffer.from(RFC7677.clientProof, 'base64')
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ (clientSignature[i] ?? 0)))
    expect(createHash('sha256').update(clientKey).digest().equals(storedKey)).toBe(true)
  })

  it('salts every verifier afresh and never contains the password', async () => {
    const password = generatePassword()
    const [a, b] = await Promise.all([scramVerifier(password), scramVerifier(password)])
    expect(a).not.toBe(b)
    expect(a).not.toContain(password)
    expect(a.match(VERIFIER_PATTERN)).toEqual([a])
  })

  it('generates 256-bit passwords that need no escaping', () => {
    const passwords = new Set(Array.from({ length: 100 }, generatePassword))
    expect(passwords.size).toBe(100)
    for (const p of passwords) expect(p).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('refuses a password SASLprep would change', async () => {
    await expect(scramVerifier('pass word')).rejects.toThrow()
    await expect(scramVerifier('ﬁ')).rejects.toThrow()
  })
})
