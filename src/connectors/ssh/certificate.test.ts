import sshpk from 'sshpk'
import { beforeAll, describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import { loadCaKey, type CaKey } from './ca-key.js'
import { certificateOptions, serialForGrant, signUserCertificate } from './certificate.js'
import { sshParamsSchema } from './config.js'

const VALID_AFTER = 1_900_000_000
const VALID_BEFORE = VALID_AFTER + 1800

describe('serialForGrant', () => {
  it('is stable per grant, distinct across grants, non-zero and below 2^63', () => {
    const serials = Array.from({ length: 2000 }, (_, i) => serialForGrant(`grt_${i}`))
    expect(serialForGrant('grt_1')).toBe(serials[1])
    expect(new Set(serials).size).toBe(serials.length)
    for (const serial of serials) {
      expect(serial).toBeGreaterThan(0n)
      expect(serial).toBeLessThan(1n << 63n)
    }
  })
})

describe('signUserCertificate', () => {
  let ca: CaKey
  beforeAll(async () => {
    ca = await loadCaKey({}, new MemoryConnectorState())
  })
  const sign = (params: Record<string, unknown>, grantId = 'grt_abc') =>
    signUserCertificate({
      ca,
      grantId,
      params: sshParamsSchema.parse(params),
      validAfter: VALID_AFTER,
      validBefore: VALID_BEFORE,
    })

  it('signs exactly the principals, key id, serial and window it was given', () => {
    const signed = sign({ principals: ['deploy', 'app_ro'] })
    const cert = sshpk.parseCertificate(signed.certificate, 'openssh')
    expect(cert.subjects.map((s) => s.uid)).toEqual(['deploy', 'app_ro'])
    expect(cert.signatures.openssh?.keyId).toBe('grt_abc')
    expect(cert.serial.readBigUInt64BE()).toBe(serialForGrant('grt_abc'))
    expect(signed.serial).toBe(serialForGrant('grt_abc'))
    expect(cert.validFrom.getTime()).toBe(VALID_AFTER * 1000)
    expect(cert.validUntil.getTime()).toBe(VALID_BEFORE * 1000)
    expect(cert.isSignedByKey(ca.privateKey.toPublic())).toBe(true)
  })

  it('makes a fresh key pair on every call, under the same serial', () => {
    const [a, b] = [sign({ principals: ['deploy'] }), sign({ principals: ['deploy'] })]
    expect(a.privateKey).not.toBe(b.privateKey)
    expect(a.serial).toBe(b.serial)
    const key = sshpk.parsePrivateKey(a.privateKey, 'openssh')
    const cert = sshpk.parseCertificate(a.certificate, 'openssh')
    expect(key.type).toBe('ed25519')
    expect(cert.subjectKey.fingerprint('sha256').toString()).toBe(
      key.toPublic().fingerprint('sha256').toString(),
    )
  })

  it('refuses a key id that could break a log line', () => {
    for (const grantId of ['', 'grt 1', 'grt\n1', 'x'.repeat(129)]) {
      expect(() => sign({ principals: ['deploy'] }, grantId)).toThrow(RangeError)
    }
  })
})

describe('certificateOptions', () => {
  const names = (params: Record<string, unknown>) =>
    certificateOptions(sshParamsSchema.parse(params)).map(
      (o) => `${o.critical ? '!' : ''}${o.name}`,
    )

  it('gives a default entitlement a pty and nothing else', () => {
    expect(names({ principals: ['deploy'] })).toEqual(['permit-pty'])
  })

  it('sorts critical options and extensions by name, criticals first', () => {
    expect(
      names({
        principals: ['deploy'],
        sourceAddress: ['10.0.0.0/8'],
        forceCommand: 'uptime',
        permitPty: true,
        permitPortForwarding: true,
        permitAgentForwarding: true,
      }),
    ).toEqual([
      '!force-command',
      '!source-address',
      'permit-agent-forwarding',
      'permit-port-forwarding',
      'permit-pty',
    ])
  })

  it('can take everything away, and never grants X11 or user rc', () => {
    expect(names({ principals: ['deploy'], permitPty: false })).toEqual([])
  })

  it('encodes option values as SSH strings: one string, comma-joined addresses', () => {
    const [source] = certificateOptions(
      sshParamsSchema.parse({ principals: ['d'], sourceAddress: ['10.0.0.0/8', '::1'] }),
    )
    expect(source?.data).toEqual(
      Buffer.concat([Buffer.from([0, 0, 0, 14]), Buffer.from('10.0.0.0/8,::1')]),
    )
  })
})
