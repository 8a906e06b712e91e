import { randomBytes } from 'node:crypto'
import { inspect } from 'node:util'

import { describe, expect, it } from 'vitest'

import { isAppError } from '../../domain/errors.js'
import { generateApiToken, hashApiToken, looksLikeApiToken } from './api-token.js'

/** Deterministic source: byte i of every draw is `fill`. */
const constantBytes = (fill: number) => (size: number) => new Uint8Array(size).fill(fill)

describe('generateApiToken', () => {
  it('builds hgt_<12 hex>_<43 base64url> from the random source', () => {
    const { token, prefix } = generateApiToken(constantBytes(0xff))
    expect(token.reveal()).toBe(`hgt_ffffffffffff_${'_'.repeat(42)}8`)
    expect(prefix).toBe('hgt_ffffffffffff')
  })

  it('stores only the sha256 of the token', () => {
    const { token, tokenHash } = generateApiToken((size) => randomBytes(size))
    expect(tokenHash).toMatch(/^[0-9a-f]{64}$/)
    expect(tokenHash).toBe(hashApiToken(token.reveal()))
  })

  it('starts the token with its prefix and produces tokens it recognises', () => {
    const { token, prefix } = generateApiToken((size) => randomBytes(size))
    expect(token.reveal().startsWith(`${prefix}_`)).toBe(true)
    expect(looksLikeApiToken(token.reveal())).toBe(true)
  })

  it('never repeats a token from a real random source', () => {
    const tokens = new Set(
      Array.from({ length: 200 }, () => generateApiToken((n) => randomBytes(n)).token.reveal()),
    )
    expect(tokens.size).toBe(200)
  })

  it('keeps the token out of JSON, string conversion and inspect', () => {
    const generated = generateApiToken((size) => randomBytes(size))
    const secret = generated.token.reveal()
    expect(JSON.stringify(generated)).not.toContain(secret)
    expect(String(generated.token)).not.toContain(secret)
    expect(inspect(generated)).not.toContain(secret)
  })

  it('refuses a random source that returns fewer bytes than asked', () => {
    const short = (size: number) => new Uint8Array(size - 1)
    let caught: unknown
    try {
      generateApiToken(short)
    } catch (error) {
      caught = error
    }
    expect(isAppError(caught) && caught.code === 'internal').toBe(true)
  })
})

describe('hashApiToken', () => {
  it('is sha256 hex (FIPS 180-2 test vector)', () => {
    expect(hashApiToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })
})

describe('looksLikeApiToken', () => {
  const good = `hgt_0123456789ab_${'A'.repeat(20)}-_${'z'.repeat(21)}`
  it.each([
    ['a generated shape', good, true],
    ['another product prefix', good.replace('hgt_', 'ghp_'), false],
    ['upper-case lookup id', good.replace('0123456789ab', '0123456789AB'), false],
    ['short lookup id', good.replace('0123456789ab', '0123456789a'), false],
    ['secret one character short', good.slice(0, -1), false],
    ['secret one character long', `${good}A`, false],
    ['padding', `${good.slice(0, -1)}=`, false],
    ['surrounding whitespace', ` ${good}`, false],
    ['a JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln', false],
    ['empty', '', false],
  ])('%s → %s', (_name, value, expected) => {
    expect(looksLikeApiToken(value)).toBe(expected)
  })
})
