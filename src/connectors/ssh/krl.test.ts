import { describe, expect, it } from 'vitest'
import { decodeKrl, encodeKrl, krlRevokesSerial } from './krl.js'

const CA = Buffer.from('000000037373682d6564323535313900000020' + 'ab'.repeat(32), 'hex')
const OTHER_CA = Buffer.from('000000037373682d6564323535313900000020' + 'cd'.repeat(32), 'hex')
const AT = new Date('2031-03-04T05:06:07.900Z')

describe('encodeKrl', () => {
  it('writes the PROTOCOL.krl header, then one certificate section with a serial list', () => {
    const krl = encodeKrl({ version: 5n, generatedAt: AT, caPublicKeyBlob: CA, serials: [2n, 1n] })
    const header = Buffer.concat([
      Buffer.from('SSHKRL\n\0', 'latin1'),
      hex('00000001'), // format version
      hex('0000000000000005'), // krl_version
      u64(BigInt(Math.floor(AT.getTime() / 1000))), // generated_date
      hex('0000000000000000'), // flags
      hex('00000000'), // reserved
      hex('00000000'), // comment
    ])
    expect(krl.subarray(0, header.length)).toEqual(header)
    const sectionBody = Buffer.concat([
      u32(CA.length),
      CA,
      hex('00000000'), // reserved
      hex('20'), // KRL_SECTION_CERT_SERIAL_LIST
      u32(16),
      u64(1n),
      u64(2n),
    ])
    expect(krl.subarray(header.length)).toEqual(
      Buffer.concat([hex('01'), u32(sectionBody.length), sectionBody]),
    )
  })

  it('round-trips through decodeKrl, deduplicated and sorted, one section per CA', () => {
    const krl = decodeKrl(
      encodeKrl({
        version: 9n,
        generatedAt: AT,
        comment: 'hourglass',
        caPublicKeyBlob: CA,
        serials: [30n, 10n, 30n, (1n << 64n) - 1n],
        otherCas: [
          { caPublicKeyBlob: OTHER_CA, serials: [4n] },
          { caPublicKeyBlob: CA, serials: [20n] },
        ],
      }),
    )
    expect(krl.version).toBe(9n)
    expect(krl.comment).toBe('hourglass')
    expect(krl.generatedAt.getTime()).toBe(Math.floor(AT.getTime() / 1000) * 1000)
    expect(krl.certificates.map((c) => [c.caPublicKeyBlob.equals(CA), c.serials])).toEqual([
      [true, [10n, 20n, 30n, (1n << 64n) - 1n]],
      [false, [4n]],
    ])
    expect(krlRevokesSerial(krl, CA, 20n)).toBe(true)
    expect(krlRevokesSerial(krl, CA, 4n)).toBe(false)
    expect(krlRevokesSerial(krl, OTHER_CA, 4n)).toBe(true)
  })

  it('writes a header-only KRL when nothing is revoked', () => {
    const krl = encodeKrl({ version: 0n, generatedAt: AT, caPublicKeyBlob: CA, serials: [] })
    expect(decodeKrl(krl).certificates).toEqual([])
    expect(krl.length).toBe(8 + 4 + 8 + 8 + 8 + 4 + 4)
  })

  it.each([
    ['serial 0, which would make sshd reject the whole list', { serials: [0n] }],
    ['a negative serial', { serials: [-1n] }],
    ['a serial beyond 64 bits', { serials: [1n << 64n] }],
    ['an empty CA key, which would mean every CA', { caPublicKeyBlob: Buffer.alloc(0) }],
    ['a negative version', { version: -1n }],
  ])('refuses %s', (_name, override) => {
    const input = { version: 1n, generatedAt: AT, caPublicKeyBlob: CA, serials: [1n], ...override }
    expect(() => encodeKrl(input)).toThrow(RangeError)
  })
})

describe('decodeKrl', () => {
  const good = encodeKrl({ version: 1n, generatedAt: AT, caPublicKeyBlob: CA, serials: [7n] })

  it.each([
    ['a wrong magic', Buffer.concat([Buffer.from('SSHKRX\n\0'), good.subarray(8)])],
    ['a truncated file', good.subarray(0, good.length - 3)],
    ['an unknown format version', Buffer.concat([good.subarray(0, 8), u32(2), good.subarray(12)])],
    ['an empty file', Buffer.alloc(0)],
  ])('refuses %s', (_name, data) => {
    expect(() => decodeKrl(data)).toThrow()
  })

  it('never reports serial 0 as revoked', () => {
    expect(krlRevokesSerial(decodeKrl(good), CA, 0n)).toBe(false)
  })
})

function hex(text: string): Buffer {
  return Buffer.from(text, 'hex')
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(value)
  return b
}

function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(value)
  return b
}
