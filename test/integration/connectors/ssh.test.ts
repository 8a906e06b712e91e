import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect, promisify } from 'node:util'
import sshpk from 'sshpk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Secret } from '../../../src/config/secret.js'
import type { GrantSpec } from '../../../src/connectors/connector.js'
import { sshConnector, type SshConnectorInstance } from '../../../src/connectors/ssh/index.js'
import { redactSecrets } from '../../../src/connectors/redact-secrets.js'
import { describeConnectorContract, type Access } from '../../contracts/connector.contract.js'
import { MemoryConnectorState } from '../../support/memory-connector-state.js'
import {
  findOpensshTool,
  sshdSkipReason,
  sshLogin,
  startSshd,
  type RunningSshd,
} from '../../support/sshd-service.js'

const run = promisify(execFile)
const MINUTE = 60_000
const DEPLOY = 'hgt_deploy'
const OTHER = 'hgt_other'
const options = () => ({ signal: AbortSignal.timeout(15_000) })
const skip = await sshdSkipReason()

/**
 * A connector instance, created the way the registry creates it (parsed config, wrapped in
 * redactSecrets), with its KRL in a temp dir, and a real sshd that trusts its CA and reads that
 * KRL. The clock is real: sshd checks certificate validity against the machine's time.
 */
async function startSshTarget(config: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-ssh-target-'))
  const state = new MemoryConnectorState()
  let grants = 0
  const krlPath = join(dir, 'revoked.krl')
  const parsed = sshConnector.configSchema.parse({ krlPath, ...config })
  const instance: SshConnectorInstance = redactSecrets(
    sshConnector.create(parsed, {
      now: () => new Date(),
      newId: (prefix) => `${prefix}_${++grants}`,
      state,
    }),
    () => (parsed.caPrivateKey ? [parsed.caPrivateKey.reveal()] : []),
  )
  await instance.publishKrl()
  const sshd = (await startSshd({
    caPublicKey: await instance.caPublicKey(),
    krlPath,
    users: [DEPLOY, OTHER],
  })) as RunningSshd
  const tag = Math.random().toString(36).slice(2, 8)
  const spec = (overrides: Partial<GrantSpec> = {}): GrantSpec => {
    const grantId = `grt_${tag}_${++grants}`
    return {
      grantId,
      targetName: `hg_${grantId}`,
      subjectId: 'idn_alice',
      entitlementId: 'deploy-shell',
      params: { principals: [DEPLOY] },
      startsAt: new Date(),
      expiresAt: new Date(Date.now() + 30 * MINUTE),
      ...overrides,
    }
  }
  const login = (credential: Secret, user = DEPLOY, command?: string) =>
    sshLogin({
      port: sshd.port,
      user,
      credential: credential.reveal(),
      ...(command === undefined ? {} : { command }),
    })
  const use = async (credential: Secret, user = DEPLOY): Promise<Access> => {
    const result = await login(credential, user)
    return result.code === 0 && result.stdout.trim() === 'ok' ? 'allowed' : 'denied'
  }
  return {
    instance,
    state,
    krlPath,
    sshd,
    spec,
    use,
    login,
    teardown: async () => {
      await instance.close()
      await sshd.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

type SshTarget = Awaited<ReturnType<typeof startSshTarget>>

/** `ssh-keygen -L` of the certificate in a credential: what sshd will read. */
async function describeCertificate(credential: Secret): Promise<string> {
  const keygen = (await findOpensshTool('ssh-keygen')) as string
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-cert-'))
  try {
    const file = join(dir, 'key-cert.pub')
    await writeFile(file, certificateOf(credential))
    return (await run(keygen, ['-L', '-f', file])).stdout
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function certificateOf(credential: Secret): string {
  return (JSON.parse(credential.reveal()) as { certificate: string }).certificate
}

describe.skipIf(skip !== null)('ssh connector against a real sshd', () => {
  describeConnectorContract('ssh', async () => {
    const target = await startSshTarget()
    return {
      ...target,
      spec: () => target.spec(),
      use: (credential) => target.use(credential),
      identity: (handle) => handle.serial,
    }
  })

  describe('certificates', () => {
    let t: SshTarget
    beforeAll(async () => {
      t = await startSshTarget()
    })
    afterAll(async () => {
      await t.teardown()
    })

    it('logs in only as a principal in the certificate', async () => {
      const issued = await t.instance.issue(t.spec(), options())
      const ok = await t.login(issued.credential, DEPLOY, 'id -un')
      expect(ok.stdout.trim(), t.sshd.log()).toBe(DEPLOY)
      expect(await t.use(issued.credential, OTHER)).toBe('denied')
      expect(t.sshd.log()).toMatch(/Accepted certificate ID "grt_/)
      expect(t.sshd.log()).toContain('Certificate invalid: name is not a listed principal')
    })

    it('refuses a revoked certificate at the very next login, by its serial in the KRL', async () => {
      const issued = await t.instance.issue(t.spec(), options())
      expect(await t.use(issued.credential)).toBe('allowed')
      await t.instance.revoke(issued.handle, options())
      expect(await t.use(issued.credential)).toBe('denied')
      expect(t.sshd.log()).toContain(`revoked by file ${t.krlPath}`)
      expect(await t.instance.inspect(issued.handle, options())).toBe('gone')
      const keygen = (await findOpensshTool('ssh-keygen')) as string
      const listed = (await run(keygen, ['-Q', '-l', '-f', t.krlPath])).stdout
      expect(listed).toContain(`serial: ${String(issued.handle.serial)}`)
    })

    it('fails closed: a missing or corrupt KRL refuses every login until republished', async () => {
      const issued = await t.instance.issue(t.spec(), options())
      await rm(t.krlPath)
      expect(await t.use(issued.credential)).toBe('denied')
      await writeFile(t.krlPath, 'SSHKRL\n\0truncated')
      expect(await t.use(issued.credential)).toBe('denied')
      expect(t.sshd.log()).toContain('in revoked keys file')
      await t.instance.publishKrl()
      expect(await t.use(issued.credential)).toBe('allowed')
    })

    it('carries the grant id as key id, exact principals and only allow-listed options', async () => {
      const spec = t.spec({
        params: {
          principals: [DEPLOY, OTHER],
          sourceAddress: ['127.0.0.1/32', '::1'],
          forceCommand: 'echo forced',
          permitPortForwarding: true,
        },
      })
      const issued = await t.instance.issue(spec, options())
      const text = await describeCertificate(issued.credential)
      expect(text).toContain(`Key ID: "${spec.grantId}"`)
      expect(text).toContain(`Serial: ${String(issued.handle.serial)}`)
      const principals = /Principals: *\n((?:\s{16}.+\n)+)/.exec(text)?.[1] ?? ''
      expect(principals.trim().split(/\s+/)).toEqual([DEPLOY, OTHER])
      const critical = /Critical Options: *\n((?:\s{16}.+\n)+)/.exec(text)?.[1] ?? ''
      expect(
        critical
          .trim()
          .split('\n')
          .map((l) => l.trim()),
      ).toEqual(['force-command echo forced', 'source-address 127.0.0.1/32,::1'])
      const extensions = /Extensions: *\n((?:\s{16}.+\n)+)/.exec(text)?.[1] ?? ''
      expect(extensions.trim().split(/\s+/)).toEqual(['permit-port-forwarding', 'permit-pty'])
      // The forced command replaces whatever the client asks for.
      const forced = await t.login(issued.credential, OTHER, 'echo chosen')
      expect(forced.stdout.trim(), t.sshd.log()).toBe('forced')
    })

    it('refuses a certificate limited to another source address', async () => {
      const spec = t.spec({ params: { principals: [DEPLOY], sourceAddress: ['192.0.2.0/24'] } })
      const issued = await t.instance.issue(spec, options())
      expect(await t.use(issued.credential)).toBe('denied')
      expect(t.sshd.log()).toMatch(/not from a permitted source address/)
    })

    it('never lets validity pass the grant end, and backdates the start by the skew', async () => {
      const end = new Date(Date.now() + 10 * MINUTE + 999)
      const spec = t.spec({ expiresAt: end })
      const issued = await t.instance.issue(spec, options())
      const cert = sshpk.parseCertificate(certificateOf(issued.credential), 'openssh')
      expect(cert.validUntil.getTime()).toBe(Math.floor(end.getTime() / 1000) * 1000)
      expect(cert.validUntil.getTime()).toBeLessThanOrEqual(end.getTime())
      expect(issued.expiresAt).toEqual(cert.validUntil)
      const start = Math.floor(spec.startsAt.getTime() / 1000) - 60
      expect(cert.validFrom.getTime()).toBe(start * 1000)
      expect(issued.handle.validBefore).toBe(Math.floor(end.getTime() / 1000))
    })

    it('refuses a certificate whose validity has not started yet', async () => {
      const later = new Date(Date.now() + 5 * MINUTE)
      const issued = await t.instance.issue(t.spec({ startsAt: later }), options())
      expect(await t.use(issued.credential)).toBe('denied')
      expect(t.sshd.log()).toContain('Certificate invalid: not yet valid')
    })

    it('lists live certificates and removes one through the KRL', async () => {
      const spec = t.spec()
      const issued = await t.instance.issue(spec, options())
      const entry = (await t.instance.list({ params: [] }, options())).find(
        (e) => e.grantId === spec.grantId,
      )
      expect(entry).toEqual({
        key: `cert:${String(issued.handle.serial)}`,
        principal: spec.grantId,
        grantId: spec.grantId,
        privileges: [DEPLOY],
      })
      await t.instance.removeAccess(entry!, options())
      expect(await t.use(issued.credential)).toBe('denied')
      const after = await t.instance.list({ params: [] }, options())
      expect(after.map((e) => e.grantId)).not.toContain(spec.grantId)
      await t.instance.removeAccess(entry!, options())
    })
  })

  describe('an operator-held CA key', () => {
    it('signs with the configured key and never shows it', async () => {
      const pem = sshpk.generatePrivateKey('ed25519').toString('openssh')
      const t = await startSshTarget({ caPrivateKey: pem })
      try {
        const expected = sshpk.parsePrivateKey(pem, 'openssh').toPublic().fingerprint('sha256')
        const line = await t.instance.caPublicKey()
        expect(sshpk.parseKey(line, 'ssh').fingerprint('sha256').toString()).toBe(
          expected.toString(),
        )
        expect(line).not.toContain('PRIVATE')
        const issued = await t.instance.issue(t.spec(), options())
        expect(issued.handle.caFingerprint).toBe(expected.toString())
        expect(await t.use(issued.credential)).toBe('allowed')
        await t.instance.revoke(issued.handle, options())
        expect(await t.use(issued.credential)).toBe('denied')
        const key = sshpk.parsePrivateKey(pem, 'openssh')
        const seed: Buffer = key.parts.find((part) => part.name === 'k')!.data
        const forms = [
          seed.toString('hex'),
          seed.toString('base64').slice(0, 40),
          pem.split('\n')[4]!,
        ]
        const errors = await Promise.all([
          t.instance
            .issue(t.spec({ params: { principals: [pem] } }), options())
            .catch((e: unknown) => e),
          t.instance.revoke({ serial: pem }, options()).catch((e: unknown) => e),
        ])
        for (const error of errors) {
          const shown = inspect(error, { showHidden: true, depth: null })
          for (const form of forms) expect(shown).not.toContain(form)
          expect(shown).not.toContain('PRIVATE KEY')
        }
      } finally {
        await t.teardown()
      }
    })
  })
})
