import { describe, expect, it } from 'vitest'
import { Secret } from '../config/secret.js'
import { AesSealer, generateDataKey } from './aes-sealer.js'

describe('AES-GCM sealer', () => {
  const sealer = new AesSealer(new Secret(generateDataKey()))

  it('gives every seal its own IV, also across refills of the IV pool, and opens each', () => {
    // 1,000 seals run through the 256-IV pool almost four times.
    const sealed = Array.from({ length: 1_000 }, () => sealer.seal('{"exp":1,"revokedAt":"x"}'))
    const ivs = sealed.map((s) => s.split('.')[1])
    expect(new Set(ivs).size).toBe(sealed.length)
    for (const iv of ivs) expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12)
    for (const s of sealed) expect(sealer.open(s).reveal()).toBe('{"exp":1,"revokedAt":"x"}')
  })

  it('refuses a tampered value and another key', () => {
    const sealed = sealer.seal('signing key')
    const [v, iv, body, tag] = sealed.split('.')
    const flipped = Buffer.from(body ?? '', 'base64url')
    flipped[0] = (flipped[0] ?? 0) ^ 1
    expect(() => sealer.open([v, iv, flipped.toString('base64url'), tag].join('.'))).toThrow(/failed authentication/)
    expect(() => new AesSealer(new Secret(generateDataKey())).open(sealed)).toThrow(/failed authentication/)
  })
})
