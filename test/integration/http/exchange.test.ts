import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { changeIdentityStatus } from '../../../src/app/change-identity-status.js'
import { createIdentity } from '../../../src/app/manage-identities.js'
import { PACKAGE_ROOT } from '../../../src/config/load.js'
import { main } from '../../../src/main/cli.js'
import { serveApp } from '../../support/serve-app.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'
import { startWorkloadIssuer, type WorkloadIssuer } from '../../support/workload-issuer.js'

const AUDIENCE = 'https://hourglass.test'
const ORDERS_MAIN = { repository: 'acme/orders', repository_owner: 'acme', ref: 'refs/heads/main', run_id: '4242' }

let issuer: WorkloadIssuer
let stranger: WorkloadIssuer
let world: TestWorld
let server: { url: string; stop(): Promise<void> }

beforeAll(async () => {
  // Tokens are stamped with the world's fake clock (read when signing, once the world exists).
  issuer = await startWorkloadIssuer({ clock: { now: () => world.clock.now() }, audience: AUDIENCE })
  stranger = await startWorkloadIssuer({ clock: { now: () => world.clock.now() }, audience: AUDIENCE })
  world = await startTestWorld({
    config: {
      workloadIdentity: {
        issuers: [
          {
            issuer: issuer.issuer,
            audience: AUDIENCE,
            requiredClaims: { repository_owner: 'acme' },
            claimMapping: {
              key: 'repo:{repository}:ref:{ref}',
              workloads: {
                'repo:acme/orders:ref:refs/heads/main': 'ci-deployer',
                'repo:acme/payments:ref:refs/heads/main': 'ci-payments',
                'repo:acme/ghost:ref:refs/heads/main': 'ci-ghost',
              },
            },
          },
        ],
      },
    },
  })
  server = await serveApp(world.runtime.app)
})

afterAll(async () => {
  await server.stop()
  await world.close()
  await issuer.stop()
  await stranger.stop()
})

async function post(p: string, body: unknown) {
  const res = await fetch(`${server.url}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, body: (await res.json()) as any }
}

const exchange = (subject_token: string, entitlementId = 'orders-read', extra: object = {}) =>
  post('/v1/exchange', { subject_token, entitlementId, ...extra })

async function auditTypes(filter: { grantId?: string } = {}) {
  return (await world.runtime.deps.store.audit.list({ limit: 100_000, ...filter })).map((e) => e.type)
}

async function refusals(): Promise<Array<Record<string, unknown>>> {
  const events = await world.runtime.deps.store.audit.list({ limit: 100_000 })
  return events.filter((e) => e.type === 'exchange.refused').map((e) => e.data)
}

describe('a pipeline exchanges its platform token for a credential', () => {
  it('issues at once, hands the credential over once, binds the grant to the job, and ends it on completion', async () => {
    const token = await issuer.sign({ sub: 'repo:acme/orders:ref:refs/heads/main', ...ORDERS_MAIN })
    const res = await exchange(token, 'orders-read', { duration: '15m' })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.body).toMatchObject({ workloadId: 'ci-deployer', entitlementId: 'orders-read' })

    // The credential is a real JWT from the orders-api target, for the workload, within 15 minutes.
    const jwks = (await fetch(`${server.url}/v1/targets/orders-api/jwks.json`).then((r) => r.json())) as any
    const { payload } = await jwtVerify(res.body.credential, createLocalJWKSet(jwks), {
      audience: 'orders-api',
      currentDate: world.clock.now(),
    })
    expect(payload.sub).toBe('ci-deployer')
    expect(Date.parse(res.body.expiresAt) - world.clock.now().getTime()).toBeLessThanOrEqual(15 * 60 * 1000)

    const store = world.runtime.deps.store
    const grant = (await store.grants.get(res.body.grantId))!
    expect(grant).toMatchObject({ state: 'active', credentialCiphertext: null, subjectId: 'ci-deployer' })
    const request = (await store.requests.get(res.body.requestId))!
    expect(request).toMatchObject({ requesterId: 'ci-deployer', subjectId: 'ci-deployer', state: 'approved', revocationCondition: 'task_completion' })
    expect(request.justification).toContain('repository=acme/orders')
    const binding = (await store.workloadExchanges.getByGrant(grant.id))!
    expect(binding).toMatchObject({ workloadId: 'ci-deployer', issuer: issuer.issuer, claims: { run_id: '4242', ref: 'refs/heads/main' } })
    expect(JSON.stringify(binding)).not.toContain(res.body.completionToken)
    expect(await auditTypes({ grantId: grant.id })).toEqual(
      expect.arrayContaining(['exchange.accepted', 'grant.activated', 'grant.credential_retrieved']),
    )

    // Someone without the completion token cannot end (or probe) the grant.
    const wrong = await post('/v1/exchange/complete', { grantId: grant.id, completionToken: 'hgc_not-the-token' })
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'exchange.completion_invalid'])
    expect((await store.grants.get(grant.id))!.state).toBe('active')

    const done = await post('/v1/exchange/complete', { grantId: grant.id, completionToken: res.body.completionToken })
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ state: 'revoked', revokeReason: 'completed', verification: 'gone' })
  })

  it('refuses a replayed token (its jti) with 409, and records the attempt', async () => {
    const token = await issuer.sign({ sub: 'job', ...ORDERS_MAIN })
    expect((await exchange(token)).status).toBe(201)
    const grantsBefore = (await world.runtime.deps.store.grants.list({ subjectId: 'ci-deployer' })).length
    const replay = await exchange(token)
    expect([replay.status, replay.body.error.code]).toEqual([409, 'exchange.token_replayed'])
    expect((await world.runtime.deps.store.grants.list({ subjectId: 'ci-deployer' })).length).toBe(grantsBefore)
    expect((await refusals()).at(-1)).toMatchObject({ reason: 'exchange.token_replayed', issuer: issuer.issuer })
  })

  it.each([
    ['another audience', { audience: 'https://other.test' }, 'aud'],
    ['expired', { issuedAt: new Date(Date.parse('2026-11-23T08:00:00Z')), lifetimeSeconds: 300 }, 'expired'],
    ['not valid yet', { notBefore: new Date(Date.parse('2026-11-23T10:00:00Z')) }, 'nbf'],
    ['signed with a key the issuer does not publish', { foreignKey: true }, 'signature_invalid'],
    ['without a jti', { jti: null }, 'jti'],
    ['living longer than the cap', { lifetimeSeconds: 7200 }, 'lifetime_too_long'],
  ] as const)('refuses a token %s with 401 and issues nothing', async (_name, options, reason) => {
    const before = (await world.runtime.deps.store.grants.list({})).length
    const res = await exchange(await issuer.sign({ sub: 'job', ...ORDERS_MAIN }, options))
    expect([res.status, res.body.error.code]).toEqual([401, 'auth.invalid_token'])
    expect([res.body.error.details.reason, res.body.error.details.claim]).toContain(reason)
    expect((await world.runtime.deps.store.grants.list({})).length).toBe(before)
  })

  it('refuses an issuer it does not trust, even one claiming a trusted iss', async () => {
    const untrusted = await exchange(await stranger.sign({ sub: 'job', ...ORDERS_MAIN }))
    expect([untrusted.status, untrusted.body.error.code]).toEqual([401, 'exchange.untrusted_issuer'])
    // The stranger signs a token naming the trusted issuer: its key is not in that issuer's JWKS.
    const spoofed = await exchange(await stranger.sign({ sub: 'job', ...ORDERS_MAIN }, { issuer: issuer.issuer }))
    expect([spoofed.status, spoofed.body.error.code]).toEqual([401, 'auth.invalid_token'])
  })

  it('refuses claims that map to no workload, or fail the required claims', async () => {
    const unknownRepo = await exchange(await issuer.sign({ sub: 'job', ...ORDERS_MAIN, repository: 'acme/unknown' }))
    expect([unknownRepo.status, unknownRepo.body.error.code]).toEqual([403, 'exchange.unmapped'])
    // Same repository name under another owner: the bound claim stops it.
    const otherOrg = await exchange(await issuer.sign({ sub: 'job', ...ORDERS_MAIN, repository_owner: 'evil' }))
    expect([otherOrg.status, otherOrg.body.error.code]).toEqual([403, 'exchange.unmapped'])
    expect(otherOrg.body.error.details).toMatchObject({ mappingReason: 'required_claim_mismatch', claim: 'repository_owner' })
    const noRef = await exchange(await issuer.sign({ sub: 'job', repository: 'acme/orders', repository_owner: 'acme' }))
    expect(noRef.body.error).toMatchObject({ code: 'exchange.unmapped', details: { mappingReason: 'claim_missing', claim: 'ref' } })
    // Mapped, but no such identity exists.
    const ghost = await exchange(await issuer.sign({ sub: 'job', ...ORDERS_MAIN, repository: 'acme/ghost' }))
    expect([ghost.status, ghost.body.error.code]).toEqual([403, 'exchange.unmapped'])
    expect((await refusals()).map((r) => r.reason)).toEqual(expect.arrayContaining(['exchange.unmapped']))
  })

  it('refuses a workload whose owner was offboarded', async () => {
    const { deps } = world.runtime
    await createIdentity(deps, 'system:test', { id: 'carl', kind: 'human', displayName: 'Carl', groups: [] })
    await createIdentity(deps, 'system:test', {
      id: 'ci-payments', kind: 'workload', displayName: 'Payments pipeline', groups: [], ownerId: 'carl', purpose: 'Deploys payments',
    })
    const claims = { sub: 'job', ...ORDERS_MAIN, repository: 'acme/payments' }
    expect((await exchange(await issuer.sign(claims))).status).toBe(201)
    await changeIdentityStatus(deps, 'admin', 'carl', 'offboarded')
    const res = await exchange(await issuer.sign(claims))
    expect([res.status, res.body.error.code]).toEqual([403, 'exchange.workload_ineligible'])
    expect(res.body.error.message).toContain('no active human owner')
  })

  it('lets policy decide: a workload may not take an entitlement above low risk', async () => {
    const { store } = world.runtime.deps
    const write = (await store.catalog.getEntitlement('orders-write'))!
    await store.catalog.upsertEntitlement({ ...write, subjectKinds: ['human', 'workload'] })
    const res = await exchange(await issuer.sign({ sub: 'job', ...ORDERS_MAIN }), 'orders-write')
    expect([res.status, res.body.error.code]).toEqual([403, 'request.denied_by_policy'])
    // Recorded as a denied request, like every policy denial, and never issued.
    const denied = (await store.requests.get(res.body.error.details.requestId))!
    expect(denied).toMatchObject({ state: 'denied', requesterId: 'ci-deployer' })
    expect(await store.grants.list({ requestId: denied.id })).toEqual([])
  })

  it('works from the CLI over HTTP: exchange, then exchange-complete', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hourglass-exchange-'))
    try {
      const tokenFile = path.join(dir, 'id-token')
      const completionFile = path.join(dir, 'completion.json')
      await writeFile(tokenFile, (await issuer.sign({ sub: 'job', ...ORDERS_MAIN })) + '\n')
      const out = await runCli(['exchange', '--token-file', tokenFile, '--entitlement', 'orders-read', '--completion-file', completionFile])
      expect(out.exitCode).toBeUndefined()
      const credential = out.stdout.trim()
      expect(credential.split('.')).toHaveLength(3)
      const { grantId } = JSON.parse(await readFile(completionFile, 'utf8')) as { grantId: string }
      expect((await world.runtime.deps.store.grants.get(grantId))!.state).toBe('active')
      const done = await runCli(['exchange-complete', '--completion-file', completionFile, '--json'])
      expect(JSON.parse(done.stdout)).toMatchObject({ id: grantId, state: 'revoked', revokeReason: 'completed' })
      // The same token again: the CLI reports the server's code and a non-zero exit.
      const again = await runCli(['exchange', '--token-file', tokenFile, '--entitlement', 'orders-read', '--json'])
      expect(JSON.parse(again.stdout).error.code).toBe('exchange.token_replayed')
      expect(again.exitCode).toBe(6)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

async function runCli(args: string[]): Promise<{ stdout: string; exitCode: number | string | undefined }> {
  const chunks: string[] = []
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk))
    return true
  })
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const previous = process.exitCode
  process.exitCode = undefined
  try {
    await main(['node', 'hourglass', '--server', server.url, ...args])
    return { stdout: chunks.join(''), exitCode: process.exitCode }
  } finally {
    process.exitCode = previous
    stdout.mockRestore()
    stderr.mockRestore()
  }
}

describe('an exchange never waits for a reviewer', () => {
  let reviewWorld: TestWorld
  let policyDir: string

  beforeAll(async () => {
    // A policy set where workloads may ask for medium risk, which needs an owner's approval.
    policyDir = await mkdtemp(path.join(tmpdir(), 'hourglass-policies-'))
    await cp(path.join(PACKAGE_ROOT, 'policies'), policyDir, { recursive: true })
    const requestPolicies = path.join(policyDir, 'request.cedar')
    const text = await readFile(requestPolicies, 'utf8')
    const relaxed = text.replace(/@id\("request-nhi-above-low"\)[\s\S]*?;\n/, '')
    expect(relaxed).not.toBe(text)
    await writeFile(requestPolicies, relaxed)
    reviewWorld = await startTestWorld({
      config: {
        policyDir,
        workloadIdentity: {
          issuers: [{ issuer: issuer.issuer, audience: AUDIENCE, claimMapping: { workloadId: 'ci-{run_id}' } }],
        },
      },
    })
    const { deps } = reviewWorld.runtime
    await createIdentity(deps, 'system:test', {
      id: 'ci-4242', kind: 'workload', displayName: 'Run 4242', groups: [], ownerId: 'alice', purpose: 'One CI run',
    })
    const write = (await deps.store.catalog.getEntitlement('orders-write'))!
    await deps.store.catalog.upsertEntitlement({ ...write, subjectKinds: ['human', 'workload'] })
  })

  afterAll(async () => {
    await reviewWorld.close()
    await rm(policyDir, { recursive: true, force: true })
  })

  it('refuses with exchange.review_required and leaves no pending request behind', async () => {
    const { app, deps } = reviewWorld.runtime
    const token = await issuer.sign({ sub: 'job', ...ORDERS_MAIN })
    const res = await app.request('/v1/exchange', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject_token: token, entitlementId: 'orders-write' }),
    })
    const body = (await res.json()) as any
    expect([res.status, body.error.code]).toEqual([403, 'exchange.review_required'])
    expect(await deps.store.requests.list({ requesterId: 'ci-4242' })).toEqual([])
    const refused = (await deps.store.audit.list({ limit: 1000 })).filter((e) => e.type === 'exchange.refused')
    expect(refused.at(-1)?.data).toMatchObject({ reason: 'exchange.review_required', entitlementId: 'orders-write' })
    // The template form maps the run straight to its identity; low risk still goes through.
    const ok = await app.request('/v1/exchange', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject_token: await issuer.sign({ sub: 'job', ...ORDERS_MAIN }), entitlementId: 'orders-read' }),
    })
    expect(ok.status).toBe(201)
    expect(((await ok.json()) as any).workloadId).toBe('ci-4242')
  })
})
