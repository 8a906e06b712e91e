import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import sshpk from 'sshpk'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import { ConnectorError, type ConnectorStateStore, type GrantSpec } from '../connector.js'
import { serialForGrant } from './certificate.js'
import { sshConfigSchema } from './config.js'
import { decodeKrl } from './krl.js'
import { createSshConnector } from './ssh-connector.js'

const START = new Date('2031-03-04T05:06:07.000Z')
const MINUTE = 60_000
const options = () => ({ signal: new AbortController().signal })

let dir: string
let started: Array<{ close(): Promise<void> }> = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hourglass-ssh-unit-'))
})
afterEach(async () => {
  // Every instance publishes its KRL when it starts: let that finish before removing the dir.
  await Promise.all(started.map((instance) => instance.close()))
  started = []
  await rm(dir, { recursive: true, force: true })
})

function setup(state: ConnectorStateStore = new MemoryConnectorState(), extra = {}) {
  let now = START
  const krlPath = join(dir, 'revoked.krl')
  const config = sshConfigSchema.parse({ krlPath, ...extra })
  const instance = createSshConnector(config, { now: () => now, newId: (p) => `${p}_1`, state })
  started.push(instance)
  const spec = (grantId = 'grt_1', overrides: Partial<GrantSpec> = {}): GrantSpec => ({
    grantId,
    targetName: `hg_${grantId}`,
    subjectId: 'idn_alice',
    entitlementId: 'deploy-shell',
    params: { principals: ['deploy'] },
    startsAt: now,
    expiresAt: new Date(now.getTime() + 3 * 3600_000),
    ...overrides,
  })
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms)
  }
  const published = async () => decodeKrl(await readFile(krlPath))
  return { instance, spec, advance, published, krlPath }
}

async function failure(operation: Promise<unknown>): Promise<ConnectorError> {
  const error: unknown = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConnectorError)
  return error as ConnectorError
}

/**
 * The Ed25519 private seed in the encodings a leak could take, including the OpenSSH-format
 * line that carries it (the lines before it hold only the public key and the format header).
 */
function privateSeedForms(openssh: string): string[] {
  const key = sshpk.parsePrivateKey(openssh, 'openssh')
  const seed: Buffer = key.parts.find((part) => part.name === 'k')!.data
  const privateLine = openssh.split('\n')[4] ?? ''
  expect(privateLine.length).toBeGreaterThan(40)
  return [seed.toString('hex'), seed.toString('base64').slice(0, 40), privateLine]
}

const credentialOf = (secret: { reveal(): string }) =>
  JSON.parse(secret.reveal()) as { privateKey: string; certificate: string }

describe('ssh connector', () => {
  it('publishes a valid, empty KRL as soon as it starts', async () => {
    const { instance, published } = setup()
    await instance.close()
    expect((await published()).certificates).toEqual([])
  })

  it('agrees on one CA across processes; one revokes what the other issued', async () => {
    const state = new MemoryConnectorState()
    const [a, b] = [setup(state), setup(state)]
    expect(await a.instance.caPublicKey()).toBe(await b.instance.caPublicKey())
    const issued = await a.instance.issue(a.spec(), options())
    await b.instance.revoke(issued.handle, options())
    expect(await a.instance.inspect(issued.handle, options())).toBe('gone')
    await Promise.all([a.instance.close(), b.instance.close()])
  })

  it('re-issues under the same serial, so one revoke covers every attempt', async () => {
    const { instance, spec, advance, published } = setup()
    const first = await instance.issue(spec(), options())
    advance(MINUTE)
    const retry = await instance.issue(spec(), options())
    expect(retry.handle.serial).toBe(first.handle.serial)
    expect(retry.handle.serial).toBe(serialForGrant('grt_1').toString())
    expect(credentialOf(retry.credential).privateKey).not.toBe(
      credentialOf(first.credential).privateKey,
    )
    await instance.revoke(first.handle, options())
    const krl = await published()
    expect(krl.certificates[0]?.serials).toEqual([serialForGrant('grt_1')])
    expect(await instance.inspect(retry.handle, options())).toBe('gone')
    expect(await failure(instance.issue(spec(), options()))).toMatchObject({ reason: 'conflict' })
  })

  it('caps validity at the grant end and at maxTtlSeconds', async () => {
    const { instance, spec } = setup(undefined, { maxTtlSeconds: 600 })
    const long = await instance.issue(spec('grt_long'), options())
    expect(long.expiresAt.getTime()).toBe(START.getTime() + 600_000)
    const end = new Date(START.getTime() + 5 * MINUTE + 999)
    const short = await instance.issue(spec('grt_short', { expiresAt: end }), options())
    expect(short.expiresAt.getTime()).toBe(START.getTime() + 5 * MINUTE)
    expect(short.handle.validBefore).toBe(Math.floor(end.getTime() / 1000))
  })

  it('refuses an ended grant for good and a far-future one for now', async () => {
    const { instance, spec } = setup()
    const ended = await failure(
      instance.issue(spec('grt_x', { startsAt: new Date(0), expiresAt: START }), options()),
    )
    expect([ended.reason, ended.retryable]).toEqual(['rejected', false])
    const later = new Date(START.getTime() + 2 * 3600_000)
    const early = await failure(
      instance.issue(
        spec('grt_y', { startsAt: later, expiresAt: new Date(later.getTime() + MINUTE) }),
        options(),
      ),
    )
    expect([early.reason, early.retryable]).toEqual(['rejected', true])
  })

  it('refuses hostile params before signing anything', async () => {
    const { instance, spec } = setup()
    for (const params of [{ principals: ['*'] }, { principals: ['root,admin'] }, {}]) {
      const error = await failure(instance.issue(spec('grt_h', { params }), options()))
      expect([error.reason, error.retryable]).toEqual(['rejected', false])
    }
    expect(await instance.list({ params: [] }, options())).toEqual([])
  })

  it('reports live until the KRL on disk revokes it, not merely the state', async () => {
    const { instance, spec, krlPath } = setup()
    const issued = await instance.issue(spec(), options())
    expect(await instance.inspect(issued.handle, options())).toBe('live')
    await instance.revoke(issued.handle, options())
    await rm(krlPath)
    expect(await instance.inspect(issued.handle, options())).toBe('live')
    expect((await instance.list({ params: [] }, options())).map((e) => e.grantId)).toEqual([
      'grt_1',
    ])
    await instance.publishKrl()
    expect(await instance.inspect(issued.handle, options())).toBe('gone')
    expect(await instance.list({ params: [] }, options())).toEqual([])
  })

  it('is gone at valid_before, and drops expired serials from the KRL', async () => {
    const { instance, spec, advance, published } = setup(undefined, { maxTtlSeconds: 600 })
    const issued = await instance.issue(spec(), options())
    await instance.revoke(issued.handle, options())
    const before = await published()
    advance(10 * MINUTE)
    expect(await instance.inspect(issued.handle, options())).toBe('gone')
    // Kept for maxTtl + skew past the revoke, for certificates an in-flight issue may sign.
    advance(10 * MINUTE + 61_000)
    await instance.publishKrl()
    const after = await published()
    expect(before.certificates[0]?.serials).toEqual([serialForGrant('grt_1')])
    expect(after.certificates).toEqual([])
    expect(after.version).toBe(before.version)
  })

  it('revokes by intent handle, blocks a later issue, and treats repeats as success', async () => {
    const { instance, spec, published } = setup()
    const intent = { grantId: 'grt_9', targetName: 'hg_grt_9', intent: true }
    await instance.revoke(intent, options())
    await instance.revoke(intent, options())
    expect((await published()).certificates[0]?.serials).toEqual([serialForGrant('grt_9')])
    expect(await instance.inspect(intent, options())).toBe('gone')
    await failure(instance.issue(spec('grt_9'), options()))
  })

  it('lists live certificates with their grant, and removes them by key', async () => {
    const { instance, spec, advance } = setup(undefined, { maxTtlSeconds: 600 })
    const a = await instance.issue(
      spec('grt_a', { params: { principals: ['web', 'app'] } }),
      options(),
    )
    await instance.issue(spec('grt_b'), options())
    const listed = await instance.list({ params: [] }, options())
    expect(listed).toContainEqual({
      key: `cert:${String(a.handle.serial)}`,
      principal: 'grt_a',
      grantId: 'grt_a',
      privileges: ['app', 'web'],
    })
    await instance.removeAccess(
      listed.find((e) => e.grantId === 'grt_a')!,
      options(),
    )
    expect((await instance.list({ params: [] }, options())).map((e) => e.grantId)).toEqual([
      'grt_b',
    ])
    advance(10 * MINUTE)
    expect(await instance.list({ params: [] }, options())).toEqual([])
    const bad = { key: 'member:x', principal: 'x', grantId: null, privileges: [] }
    expect(await failure(instance.removeAccess(bad, options()))).toMatchObject({
      reason: 'rejected',
    })
  })

  it('checks that the KRL directory takes files', async () => {
    await setup().instance.verifyConfig(options())
    const missing = createSshConnector(
      sshConfigSchema.parse({ krlPath: join(dir, 'no', 'such', 'dir', 'x.krl') }),
      { now: () => START, newId: (p) => p, state: new MemoryConnectorState() },
    )
    started.push(missing)
    const error = await failure(missing.verifyConfig(options()))
    expect([error.reason, error.retryable]).toEqual(['rejected', false])
    // Publishing creates a missing directory (a fresh machine), after which the check passes.
    await missing.publishKrl()
    await missing.verifyConfig(options())
    // A path that can never hold a directory (under a regular file) still fails.
    await writeFile(join(dir, 'plain-file'), 'x')
    const impossible = createSshConnector(
      sshConfigSchema.parse({ krlPath: join(dir, 'plain-file', 'sub', 'x.krl') }),
      { now: () => START, newId: (p) => p, state: new MemoryConnectorState() },
    )
    started.push(impossible)
    expect(await failure(impossible.publishKrl())).toMatchObject({ reason: 'unreachable' })
  })

  it('keeps the CA private key out of caPublicKey, errors, handles and credentials', async () => {
    const state = new MemoryConnectorState()
    const { instance, spec } = setup(state)
    const line = await instance.caPublicKey()
    expect(line).toMatch(/^ssh-ed25519 AAAA\S+ hourglass-ca:default$/)
    const stored = state.entries().find(([key]) => key === 'ca-key:default')?.[1] ?? ''
    const seeds = privateSeedForms(stored)
    const issued = await instance.issue(spec(), options())
    for (const shown of [
      line,
      JSON.stringify(issued),
      issued.credential.reveal(),
      issued.instructions ?? '',
    ]) {
      for (const seed of seeds) expect(shown).not.toContain(seed)
    }
    // The subject's private key is handed out once and never kept.
    const kept = JSON.stringify(state.entries())
    for (const seed of privateSeedForms(credentialOf(issued.credential).privateKey)) {
      expect(kept).not.toContain(seed)
    }

    const broken = new MemoryConnectorState()
    await broken.put('ca-key:default', stored.slice(0, -30))
    const failing = setup(broken)
    for (const error of await Promise.all([
      failure(failing.instance.issue(failing.spec(), options())),
      failure(failing.instance.caPublicKey()),
    ])) {
      const shown = inspect(error, { showHidden: true, depth: null })
      for (const seed of seeds) expect(shown).not.toContain(seed)
    }
  })

  it('fails retryably when the caller has already given up', async () => {
    const { instance, spec } = setup()
    const error = await failure(instance.issue(spec(), { signal: AbortSignal.abort() }))
    expect([error.reason, error.retryable]).toEqual(['unreachable', true])
  })
})
