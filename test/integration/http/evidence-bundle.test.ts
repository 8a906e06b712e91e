import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { parseBundle, verifyBundle } from '../../../src/audit/verify-bundle.js'
import { hashAuditEvent } from '../../../src/domain/audit-event.js'
import { deriveReviews } from '../../../src/domain/evidence.js'
import { serveApp } from '../../support/serve-app.js'
import { freshPgDatabase, isCi, pgUrlOrSkip } from '../../support/services.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const run = promisify(execFile)
const BIN = path.resolve('bin/hourglass.js')
const base = pgUrlOrSkip()
const WHY = 'Fix order 1234 <script>alert("x")</script> & refund'

async function hourglass(args: string[]) {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args])
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const engines: Array<[string, () => Promise<{ world: TestWorld; drop(): Promise<void> }>, boolean]> = [
  ['SQLite', async () => ({ world: await startTestWorld(), drop: async () => {} }), true],
  [
    'PostgreSQL',
    async () => {
      const db = await freshPgDatabase(base!)
      return { world: await startTestWorld({ databaseUrl: db.url }), drop: () => db.drop() }
    },
    base !== null,
  ],
]

describe.each(engines)('evidence bundles on %s', (_name, start, available) => {
  let world: TestWorld
  let env: { drop(): Promise<void> }
  let approvedId: string
  let deniedId: string
  let dir: string
  let pem: string

  beforeAll(async () => {
    if (!available) return
    const started = await start()
    world = started.world
    env = started
    dir = await mkdtemp(path.join(tmpdir(), 'hourglass-evidence-'))
    pem = world.runtime.deps.auditPublicKeyPem
    await writeFile(path.join(dir, 'audit.pub.pem'), pem)

    // alice asks; bob's unrelated request interleaves its events in the chain.
    const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY, duration: '30m' })
    expect(r.body.request.state).toBe('pending')
    approvedId = r.body.request.id
    await world.as('bob').post('/v1/requests', { entitlementId: 'orders-read', justification: 'Secret reason of bob for orders', duration: '30m' })
    const review = await world.as('olivia').post(`/v1/requests/${approvedId}/reviews`, { verdict: 'approve', comment: 'ok <b>fine</b>' })
    expect(review.body.outcome).toBe('approved')
    // bob's auto-approved jwt grant was issued in its submission; alice's reviewed one is the worker's.
    expect(await runDueWork(world.runtime.deps)).toMatchObject({ issued: 1 })
    world.clock.advance(30 * 60 * 1000 + 100)
    expect(await runDueWork(world.runtime.deps)).toMatchObject({ revoked: 2 })

    // alice is not on call: policy refuses her break-glass, and that request has evidence too.
    const denied = await world.as('alice').post('/v1/breakglass', {
      entitlementId: 'orders-write',
      incidentRef: 'INC-7',
      reason: 'Orders API is rejecting every checkout; need write access to drain the queue',
    })
    expect(denied.body.error.code).toBe('request.denied_by_policy')
    deniedId = denied.body.error.details.requestId
  })
  afterAll(async () => {
    if (!available) return
    await world.close()
    await env.drop()
    await rm(dir, { recursive: true, force: true })
  })

  it.skipIf(!available)('bundles a whole lifecycle that verifies offline, without other requests\' data', async () => {
    const res = await world.as('alice').get(`/v1/requests/${approvedId}/evidence`)
    expect(res.status).toBe(200)
    const bundle = parseBundle(JSON.stringify(res.body))
    expect(bundle.status).toBe('checkpointed')
    expect(bundle.items.map((i) => i.kind)).toEqual(
      expect.arrayContaining(['request', 'review', 'approval', 'grant_scheduled', 'issuance_attempt', 'issuance', 'revocation']),
    )
    // A jwt revocation is one step (its record and the grant commit together): no separate
    // attempt item; the revocation says which state it ended and at which attempt.
    expect(bundle.items.map((i) => i.kind)).not.toContain('revocation_attempt')
    expect(bundle.decisions.map((d) => d.stage)).toEqual(['request', 'review', 'issuance'])
    expect(bundle.decisions.every((d) => d.allowed === true && /^[a-f0-9]{64}$/.test(d.policyHash ?? ''))).toBe(true)
    expect(bundle.reviews).toEqual([expect.objectContaining({ reviewerId: 'olivia', verdict: 'approve', reviewerIsOwner: true })])
    const revocation = bundle.items.find((i) => i.kind === 'revocation')!
    expect(revocation.event.data).toMatchObject({ reason: 'expired', verification: 'gone', fromState: 'active', attempts: 1 })
    expect(bundle.inclusion!.foreignEvents).toBeGreaterThan(0)
    expect(JSON.stringify(res.body)).not.toContain('Secret reason of bob')
    // The forced checkpoint covers the last item, and is the server's own.
    const checkpoints = await world.runtime.deps.store.audit.listCheckpoints()
    expect(checkpoints.some((c) => c.seq === bundle.checkpoint!.seq && c.signature === bundle.checkpoint!.signature)).toBe(true)
    expect(bundle.checkpoint!.seq).toBeGreaterThanOrEqual(revocation.seq)

    expect(verifyBundle(bundle, { publicKeyPem: pem })).toMatchObject({ ok: true, status: 'verified', failure: null })
    const chain = await world.runtime.deps.store.audit.list({ limit: 100_000 })
    expect(verifyBundle(bundle, { publicKeyPem: pem, chain })).toMatchObject({ ok: true, inclusion: 'proven' })
  })

  it.skipIf(!available)('bundles a denial by policy with its decision', async () => {
    const res = await world.as('alice').get(`/v1/requests/${deniedId}/evidence`)
    expect(res.status).toBe(200)
    const bundle = parseBundle(JSON.stringify(res.body))
    expect(bundle.items.map((i) => i.kind)).toEqual(['policy_denial'])
    expect(bundle.decisions).toEqual([expect.objectContaining({ stage: 'request', allowed: false })])
    expect(verifyBundle(bundle, { publicKeyPem: pem }).ok).toBe(true)
  })

  it.skipIf(!available)('is readable by the parties, owners, security and admins; others cannot tell it exists', async () => {
    for (const who of ['alice', 'olivia', 'sam', 'admin']) {
      expect((await world.as(who).get(`/v1/requests/${approvedId}/evidence`)).status, who).toBe(200)
    }
    const stranger = await world.as('paul').get(`/v1/requests/${approvedId}/evidence`)
    const missing = await world.as('paul').get('/v1/requests/req_doesnotexist/evidence')
    expect([stranger.status, stranger.body.error.code]).toEqual([404, 'request.not_found'])
    expect([missing.status, missing.body.error.code]).toEqual([404, 'request.not_found'])
    expect((await world.as(null).get(`/v1/requests/${approvedId}/evidence`)).status).toBe(401)
  })

  // Spawns the built CLI (npm run build); in CI a missing build fails instead of skipping.
  it.skipIf(!available || (!isCi() && !existsSync(path.resolve('dist/main/cli.js'))))(
    'the CLI fetches, renders and verifies; each tampering fails and names the item',
    async () => {
      const served = await serveApp(world.runtime.app)
      try {
        const auth = ['--server', served.url, '--token', world.tokens.alice!]
        const file = path.join(dir, 'bundle.json')
        expect((await hourglass([...auth, 'evidence', approvedId, '--out', file])).code).toBe(0)
        const html = path.join(dir, 'bundle.html')
        expect((await hourglass([...auth, 'evidence', approvedId, '--format', 'html', '--out', html])).code).toBe(0)
        const page = await readFile(html, 'utf8')
        expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
        expect(page).not.toContain('<script>')
        expect(page).toContain('olivia')

        const keyFile = path.join(dir, 'audit.pub.pem')
        const ok = await hourglass(['audit', 'verify', '--bundle', file, '--public-key', keyFile])
        expect(ok.code, ok.stderr).toBe(0)
        expect(ok.stdout).toContain('evidence OK')
        const embedded = await hourglass(['audit', 'verify', '--bundle', file])
        expect(embedded.code).toBe(0)
        expect(embedded.stderr).toContain('proves integrity only, not origin')

        const original = await readFile(file, 'utf8')
        const tamper = async (label: string, change: (b: any) => void, args: string[] = ['--public-key', keyFile]) => {
          const b = JSON.parse(original)
          change(b)
          const f = path.join(dir, `${label}.json`)
          await writeFile(f, JSON.stringify(b))
          return hourglass(['audit', 'verify', '--bundle', f, ...args])
        }
        const kindSeq = (b: any, kind: string) => `${kind} seq ${b.items.find((i: any) => i.kind === kind).seq}`
        const b0 = JSON.parse(original)

        const decision = await tamper('decision', (b) => {
          b.items.find((i: any) => i.kind === 'request').event.data.decision.determiningPolicies = ['forged']
        })
        expect(decision.code).toBe(6)
        expect(decision.stderr).toContain(kindSeq(b0, 'request'))

        const reviewer = await tamper('reviewer', (b) => {
          const item = b.items.find((i: any) => i.kind === 'review')
          item.event.actor = 'mallory'
          item.event.hash = hashAuditEvent({ ...item.event, at: new Date(item.event.at) })
          item.hash = item.event.hash
          b.reviews = deriveReviews(b.items)
        })
        expect(reviewer.code).toBe(6)
        expect(reviewer.stderr).toContain(kindSeq(b0, 'review'))

        const removed = await tamper('removed', (b) => {
          b.items = b.items.filter((i: any) => i.kind !== 'revocation')
        })
        expect(removed.code).toBe(6)
        expect(removed.stderr).toContain(`${kindSeq(b0, 'revocation')}: is in the signed inclusion statement but missing`)

        const swapped = await tamper('swapped', (b) => {
          b.checkpoint.signature = b.inclusion.signature
        })
        expect(swapped.code).toBe(6)
        expect(swapped.stderr).toContain(`checkpoint seq ${b0.checkpoint.seq}`)

        const otherKey = path.join(dir, 'other.pem')
        const { generateKeyPairSync } = await import('node:crypto')
        await writeFile(otherKey, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }))
        const wrongKey = await tamper('wrongkey', () => undefined, ['--public-key', otherKey])
        expect(wrongKey.code).toBe(6)
        expect(wrongKey.stderr).toContain(`checkpoint seq ${b0.checkpoint.seq}`)
        expect(wrongKey.stderr).toContain('error [evidence.invalid]')
      } finally {
        await served.stop()
      }
    },
    // Ten CLI processes on a shared 2-core machine: a few seconds each under load.
    180_000,
  )
})
