import * as crypto from 'node:crypto'
import fc from 'fast-check'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { Secret } from '../config/secret.js'
import {
  generateWebhookSecret,
  isWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookKey,
  type HeaderSource,
} from './webhook-signature.js'

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) }
})

// The "sign function works" vector of the Standard Webhooks reference libraries.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}
const AT = new Date(SPEC.timestamp * 1000)
const OTHER_SECRET = generateWebhookSecret()

const specHeaders = (overrides: Record<string, string | string[] | undefined> = {}) => ({
  'webhook-id': SPEC.id,
  'webhook-timestamp': String(SPEC.timestamp),
  'webhook-signature': SPEC.signature,
  ...overrides,
})
const verifySpec = (headers: HeaderSource, body = SPEC.body, now = AT) =>
  verifyWebhook(SPEC.secret, headers, body, now)

describe('signWebhook', () => {
  it('reproduces the Standard Webhooks test vector', () => {
    expect(signWebhook(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body)).toEqual(specHeaders())
    expect(signWebhook(SPEC.secret, SPEC.id, AT, Buffer.from(SPEC.body))).toEqual(specHeaders())
  })

  it('takes the key as whsec_<base64>, as bytes or as a Secret, and other strings as UTF-8', () => {
    const bytes = Buffer.from(SPEC.secret.slice('whsec_'.length), 'base64')
    const sign = (secret: string | Uint8Array | Secret) =>
      signWebhook(secret, SPEC.id, SPEC.timestamp, SPEC.body)['webhook-signature']
    expect(sign(bytes)).toBe(SPEC.signature)
    expect(sign(new Secret(SPEC.secret))).toBe(SPEC.signature)
    // Without the prefix the string is the key itself, not base64 (a library's "raw" format).
    const raw = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    expect(sign(raw)).not.toBe(SPEC.signature)
    expect(sign(raw)).toBe(sign(Buffer.from(raw, 'utf8')))
  })

  it.each([
    ['an empty secret', ''],
    ['a 15-byte raw secret', 'x'.repeat(15)],
    ['whsec_ with nothing after it', 'whsec_'],
    ['whsec_ with a short key', `whsec_${Buffer.alloc(15, 1).toString('base64')}`],
    ['whsec_ with non-base64 text', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa!w'],
    ['whsec_ with bad padding', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw='],
  ])('refuses %s', (_name, secret) => {
    expect(isWebhookSecret(secret)).toBe(false)
    expect(() => signWebhook(secret, 'msg_1', 1, '{}')).toThrow(TypeError)
  })

  it('never quotes a refused secret', () => {
    for (const secret of ['hunter2-pw', 'whsec_hunter2/p4ssw0rd!']) {
      expect(() => webhookKey(secret)).toThrow(TypeError)
      expect(() => webhookKey(secret)).not.toThrow(/hunter2/)
    }
  })

  it.each([
    ['a dot', 'msg.1'],
    ['a space', 'msg 1'],
    ['a control character', 'msg\n1'],
    ['nothing', ''],
    ['257 characters', 'm'.repeat(257)],
  ])('refuses an id with %s, which could be re-split out of the signed content', (_n, id) => {
    expect(() => signWebhook(SPEC.secret, id, 1, '{}')).toThrow(TypeError)
  })

  it.each([-1, 1.5, Number.NaN, 2 ** 60])('refuses the timestamp %s', (seconds) => {
    expect(() => signWebhook(SPEC.secret, 'msg_1', seconds, '{}')).toThrow(TypeError)
  })

  it('generates distinct 32-byte whsec_ secrets', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()]
    expect(a).not.toBe(b)
    expect(webhookKey(a)).toHaveLength(32)
  })
})

describe('verifyWebhook', () => {
  it('accepts the spec delivery, with header names in any case or as fetch Headers', () => {
    expect(verifySpec(specHeaders())).toEqual({
      valid: true,
      id: SPEC.id,
      timestamp: SPEC.timestamp,
    })
    const mixedCase = Object.fromEntries(
      Object.entries(specHeaders()).map(([k, v]) => [k.toUpperCase(), v]),
    )
    expect(verifySpec(mixedCase).valid).toBe(true)
    expect(verifySpec(new Headers(specHeaders())).valid).toBe(true)
  })

  it.each([
    ['a tampered body', SPEC.body.replace('2432232314', '2432232315')],
    ['the same JSON re-serialised', JSON.stringify(JSON.parse(SPEC.body))],
    ['a body with a trailing newline', `${SPEC.body}\n`],
    ['an empty body', ''],
  ])('rejects %s', (_name, body) => {
    expect(verifySpec(specHeaders(), body)).toEqual({
      valid: false,
      reason: 'no-matching-signature',
    })
  })

  it('rejects a delivery signed with another secret, or a secret it does not hold', () => {
    const forged = signWebhook(OTHER_SECRET, SPEC.id, SPEC.timestamp, SPEC.body)
    expect(verifySpec(forged)).toEqual({ valid: false, reason: 'no-matching-signature' })
    const result = verifyWebhook(OTHER_SECRET, specHeaders(), SPEC.body, AT)
    expect(result).toEqual({ valid: false, reason: 'no-matching-signature' })
  })

  it('rejects a signature moved to another id or timestamp', () => {
    const moved = specHeaders({ 'webhook-id': 'msg_other' })
    expect(verifySpec(moved)).toMatchObject({ reason: 'no-matching-signature' })
    const later = specHeaders({ 'webhook-timestamp': String(SPEC.timestamp + 1) })
    expect(verifySpec(later)).toMatchObject({ reason: 'no-matching-signature' })
  })

  it('enforces the tolerance in both directions, inclusive at the edge', () => {
    const at = (offsetSeconds: number) => new Date(AT.getTime() + offsetSeconds * 1000)
    expect(verifySpec(specHeaders(), SPEC.body, at(300)).valid).toBe(true)
    expect(verifySpec(specHeaders(), SPEC.body, at(301))).toMatchObject({
      reason: 'timestamp-too-old',
    })
    expect(verifySpec(specHeaders(), SPEC.body, at(-300)).valid).toBe(true)
    expect(verifySpec(specHeaders(), SPEC.body, at(-301))).toMatchObject({
      reason: 'timestamp-too-new',
    })
    const strict = verifyWebhook(SPEC.secret, specHeaders(), SPEC.body, at(31), 30)
    expect(strict).toMatchObject({ reason: 'timestamp-too-old' })
  })

  it('accepts any one valid v1 among several signatures and ignores other versions', () => {
    const junk = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='
    const header = [junk, 'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', SPEC.signature, junk]
    expect(verifySpec(specHeaders({ 'webhook-signature': header.join(' ') })).valid).toBe(true)
    expect(verifySpec(specHeaders({ 'webhook-signature': `${junk}  v1a,abc` })).valid).toBe(false)
  })

  it('accepts a delivery under any of several secrets, for rotation', () => {
    expect(verifyWebhook([OTHER_SECRET, SPEC.secret], specHeaders(), SPEC.body, AT).valid).toBe(
      true,
    )
    expect(() => verifyWebhook([], specHeaders(), SPEC.body, AT)).toThrow(TypeError)
  })

  it.each([
    ['no id', { 'webhook-id': undefined }, 'missing-header'],
    ['no timestamp', { 'webhook-timestamp': undefined }, 'missing-header'],
    ['no signature', { 'webhook-signature': undefined }, 'missing-header'],
    ['a word for a timestamp', { 'webhook-timestamp': 'hello' }, 'malformed-header'],
    ['an exponent timestamp', { 'webhook-timestamp': '1.6e9' }, 'malformed-header'],
    ['a negative timestamp', { 'webhook-timestamp': '-1614265330' }, 'malformed-header'],
    ['a padded timestamp', { 'webhook-timestamp': ' 1614265330' }, 'malformed-header'],
    ['an id with a dot', { 'webhook-id': 'msg.p5jX' }, 'malformed-header'],
    ['a repeated id header', { 'webhook-id': [SPEC.id, SPEC.id] }, 'malformed-header'],
    [
      'seventeen signatures',
      { 'webhook-signature': `${SPEC.signature} `.repeat(17) },
      'malformed-header',
    ],
    ['a bare "v1,"', { 'webhook-signature': 'v1,' }, 'no-matching-signature'],
    [
      'a truncated signature',
      { 'webhook-signature': SPEC.signature.slice(0, 20) },
      'no-matching-signature',
    ],
    ['a hex signature', { 'webhook-signature': `v1,${'ab'.repeat(32)}` }, 'no-matching-signature'],
  ])('rejects %s', (_name, overrides, reason) => {
    expect(verifySpec(specHeaders(overrides))).toEqual({ valid: false, reason })
  })

  it('holds for any body and id: valid as signed, invalid with one byte changed', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.nat(),
        (body, id, flip) => {
          const headers = signWebhook(SPEC.secret, id, AT, body)
          expect(verifyWebhook(SPEC.secret, headers, body, AT).valid).toBe(true)
          const tampered = Uint8Array.from(body)
          const at = flip % tampered.length
          tampered[at] = (tampered[at] ?? 0) ^ 0x01
          expect(verifyWebhook(SPEC.secret, headers, tampered, AT).valid).toBe(false)
        },
      ),
    )
  })

  describe('comparison', () => {
    const compare = vi.mocked(crypto.timingSafeEqual)
    beforeEach(() => {
      compare.mockClear()
    })

    it('compares every v1 candidate with every secret in constant time, over whole digests', () => {
      const junk = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='
      const header = `${SPEC.signature} ${junk}`
      const result = verifyWebhook(
        [SPEC.secret, OTHER_SECRET],
        specHeaders({ 'webhook-signature': header }),
        SPEC.body,
        AT,
      )
      expect(result.valid).toBe(true)
      // No early exit on the first match: 2 candidates × 2 secrets.
      expect(compare).toHaveBeenCalledTimes(4)
      for (const [a, b] of compare.mock.calls) {
        expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32])
      }
    })

    it('does no comparison for a delivery outside the time window', () => {
      verifySpec(specHeaders(), SPEC.body, new Date(AT.getTime() + 3600_000))
      expect(compare).not.toHaveBeenCalled()
    })
  })
})
