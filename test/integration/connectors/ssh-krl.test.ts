import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import sshpk from 'sshpk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeKrl, encodeKrl, krlRevokesSerial } from '../../../src/connectors/ssh/index.js'
import { isCi } from '../../support/services.js'
import { findOpensshTool } from '../../support/sshd-service.js'

const run = promisify(execFile)
const keygen = await findOpensshTool('ssh-keygen')
if (keygen === null) {
  if (isCi()) throw new Error('CI=true but ssh-keygen is missing: install openssh-client')
  console.warn('\n!!! SKIPPING KRL cross-checks: no ssh-keygen (install openssh-client) !!!\n')
}

/** The encoder checked by OpenSSH's own KRL reader, and the decoder by OpenSSH's writer. */
describe.skipIf(keygen === null)('KRL encoder against ssh-keygen', () => {
  let dir: string
  const tool = (): string => keygen as string
  const path = (name: string) => join(dir, name)
  const newCa = async (name: string): Promise<Buffer> => {
    await run(tool(), ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path(name)])
    return sshpk.parseKey(await readFile(path(`${name}.pub`), 'utf8'), 'ssh').toBuffer('rfc4253')
  }
  /** A certificate signed by ssh-keygen itself, so only the KRL is ours. */
  const newCert = async (ca: string, name: string, serial: bigint): Promise<string> => {
    await run(tool(), ['-q', '-t', 'ed25519', '-N', '', '-f', path(name)])
    const sign = ['-q', '-s', path(ca), '-I', name, '-n', 'someone', '-z', serial.toString()]
    await run(tool(), [...sign, '-V', '-1m:+5m', path(`${name}.pub`)])
    return path(`${name}-cert.pub`)
  }
  /** `ssh-keygen -Q` exits 0 for ok and 1 for a revoked key, printing which. */
  const query = async (krl: string, cert: string): Promise<string> => {
    const result = await run(tool(), ['-Q', '-f', krl, cert]).then(
      (r) => r.stdout,
      (e: unknown) => {
        const failed = e as { stdout?: string; code?: number }
        return failed.code === 1 ? (failed.stdout ?? '') : 'error'
      },
    )
    if (result.includes('REVOKED')) return 'REVOKED'
    return result.includes(': ok') ? 'ok' : `unexpected: ${result}`
  }
  const write = async (name: string, data: Buffer): Promise<string> => {
    await writeFile(path(name), data)
    return path(name)
  }

  let caBlob: Buffer
  let otherCaBlob: Buffer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hourglass-krl-'))
    caBlob = await newCa('ca')
    otherCaBlob = await newCa('other_ca')
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('revokes exactly the listed serials of the named CA', async () => {
    const revoked = await newCert('ca', 'revoked', 0x7fff_ffff_ffff_fff0n)
    const kept = await newCert('ca', 'kept', 42n)
    const sameSerialOtherCa = await newCert('other_ca', 'foreign', 0x7fff_ffff_ffff_fff0n)
    const krl = await write(
      'one.krl',
      encodeKrl({
        version: 3n,
        generatedAt: new Date(),
        caPublicKeyBlob: caBlob,
        serials: [0x7fff_ffff_ffff_fff0n, 7n],
      }),
    )
    expect(await query(krl, revoked)).toBe('REVOKED')
    expect(await query(krl, kept)).toBe('ok')
    expect(await query(krl, sameSerialOtherCa)).toBe('ok')
  })

  it('lists every serial, sorted, under each CA of a rotation', async () => {
    const krl = await write(
      'many.krl',
      encodeKrl({
        version: 12n,
        generatedAt: new Date('2031-01-02T03:04:05Z'),
        comment: 'hourglass test',
        caPublicKeyBlob: caBlob,
        serials: [(1n << 64n) - 1n, 9n, 1n, 9n],
        otherCas: [{ caPublicKeyBlob: otherCaBlob, serials: [77n] }],
      }),
    )
    const listed = (await run(tool(), ['-Q', '-l', '-f', krl])).stdout
    expect(listed).toContain('# KRL version 12')
    expect(listed).toContain('# Comment: hourglass test')
    const serials = [...listed.matchAll(/^serial: (\d+)$/gm)].map((m) => m[1])
    expect(serials).toEqual(['1', '9', '18446744073709551615', '77'])
    expect(await query(krl, await newCert('other_ca', 'rotated', 77n))).toBe('REVOKED')
  })

  it('writes an empty KRL that OpenSSH accepts and that revokes nothing', async () => {
    const krl = await write(
      'empty.krl',
      encodeKrl({ version: 0n, generatedAt: new Date(), caPublicKeyBlob: caBlob, serials: [] }),
    )
    expect(await query(krl, await newCert('ca', 'fresh', 5n))).toBe('ok')
  })

  it('decodes the serial lists, ranges and key ids that ssh-keygen writes', async () => {
    await writeFile(
      path('spec'),
      'serial: 5\nserial: 1000000\nserial: 2000000-2999999\nid: grt_x\n',
    )
    await run(tool(), ['-q', '-k', '-f', path('keygen.krl'), '-s', path('ca.pub'), path('spec')])
    const krl = decodeKrl(await readFile(path('keygen.krl')))
    expect(krl.certificates).toHaveLength(1)
    expect(krl.certificates[0]!.caPublicKeyBlob.equals(caBlob)).toBe(true)
    expect(krl.certificates[0]!.keyIds).toEqual(['grt_x'])
    for (const serial of [5n, 1_000_000n, 2_000_000n, 2_500_000n, 2_999_999n]) {
      expect(krlRevokesSerial(krl, caBlob, serial)).toBe(true)
    }
    for (const serial of [4n, 6n, 1_999_999n, 3_000_000n]) {
      expect(krlRevokesSerial(krl, caBlob, serial)).toBe(false)
    }
    expect(krlRevokesSerial(krl, otherCaBlob, 5n)).toBe(false)
  })
})
