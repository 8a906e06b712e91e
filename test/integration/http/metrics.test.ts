import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { PACKAGE_ROOT } from '../../../src/config/load.js'
import { ProvisioningEndpoint } from '../../support/provisioning-endpoint.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const WHY = 'Investigate order 1234 for a customer ticket'
const MINUTE = 60_000

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** Parses the text exposition format into samples; comments and blank lines are skipped. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m) throw new Error(`unparseable exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!
    samples.push({ name: m[1]!, labels, value: Number(m[3]) })
  }
  return samples
}

class Scrape {
  constructor(
    readonly text: string,
    readonly samples: Sample[],
  ) {}

  /** The one sample with exactly this label set; throws when absent, so a missing series fails. */
  value(name: string, labels: Record<string, string> = {}): number {
    const want = JSON.stringify(Object.entries(labels).sort())
    const found = this.samples.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)
    if (found.length !== 1) throw new Error(`${found.length} samples for ${name} ${want}`)
    return found[0]!.value
  }

  /** Label sets of a metric, for asserting exactly which series exist. */
  labelSets(name: string): Array<Record<string, string>> {
    return this.samples.filter((s) => s.name === name).map((s) => s.labels)
  }
}

async function scrape(world: TestWorld, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await world.runtime.app.request('/metrics', { headers })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
  const text = await res.text()
  return new Scrape(text, parseExposition(text))
}

describe('/metrics after a scenario through the real API', () => {
  let world: TestWorld
  let endpoint: ProvisioningEndpoint
  let policyDir: string

  beforeAll(async () => {
    // The shipped bundle plus a policy that errors for one entitlement (a broken policy in the
    // wild) and a plain forbid for another (an ordinary denial, which is no evaluation error).
    policyDir = await mkdtemp(path.join(tmpdir(), 'hourglass-policies-'))
    await cp(path.join(PACKAGE_ROOT, 'policies'), policyDir, { recursive: true })
    await writeFile(
      path.join(policyDir, 'zz-broken.cedar'),
      `@id("broken-overflow")\nforbid (principal, action == Hourglass::Action::"request", resource == Hourglass::Entitlement::"payments-admin")\nwhen { context.durationSeconds * 9223372036854775807 > 0 };\n` +
        `@id("refunds-frozen")\nforbid (principal, action == Hourglass::Action::"request", resource == Hourglass::Entitlement::"payments-refund");\n`,
    )
    world = await startTestWorld({
      config: {
        policyDir,
        lifecycle: { revoke: { maxAttempts: 2, baseMs: 1000, capMs: 1000 }, irrevocableRetryMs: 3_600_000 },
      },
    })
    // The provisioning endpoint checks signatures against the same (fake) time the connector signs with.
    endpoint = await ProvisioningEndpoint.start({ now: () => world.clock.now() })
    const { store, sealer } = world.runtime.deps
    const at = world.clock.now()
    await store.catalog.upsertTarget({
      id: 'billing',
      kind: 'webhook',
      name: 'Billing (webhook)',
      config: { url: endpoint.url, secret: { $sealed: sealer.seal(endpoint.secret) }, maxAttempts: 1, timeoutMs: 2000 },
      reconcile: { authoritative: false },
      createdAt: at,
      updatedAt: at,
    })
    await store.catalog.upsertEntitlement({
      id: 'billing-read',
      name: 'Billing: read',
      description: 'Read invoices',
      targetId: 'billing',
      riskTier: 'low',
      owners: ['olivia'],
      defaultDurationSeconds: 600,
      maxDurationSeconds: 3600,
      params: { entitlement: 'billing:read' },
      subjectKinds: ['human'],
      createdAt: at,
      updatedAt: at,
    })
  })

  afterAll(async () => {
    await world.close()
    await endpoint.close()
    await rm(policyDir, { recursive: true, force: true })
  })

  it('exports exact counts, bounded label sets and only hourglass_ names', async () => {
    const { deps } = world.runtime
    const alice = world.as('alice')
    const bob = world.as('bob')

    // Every series exists, at zero, before anything happened.
    const empty = await scrape(world)
    expect(empty.value('hourglass_grants', { state: 'irrevocable' })).toBe(0)
    expect(empty.value('hourglass_grants_active', { connector: 'webhook' })).toBe(0)
    expect(empty.value('hourglass_findings_open', { type: 'shadow' })).toBe(0)
    expect(empty.value('hourglass_revocations_overdue')).toBe(0)

    // Two jwt grants (one revoked by hand) and one webhook grant.
    const kept = await alice.post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, duration: '1h' })
    const dropped = await bob.post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, duration: '1h' })
    const billing = await alice.post('/v1/requests', { entitlementId: 'billing-read', justification: WHY, duration: '10m' })
    expect([kept.status, dropped.status, billing.status]).toEqual([201, 201, 201])
    await runDueWork(deps)
    const revoked = await bob.post(`/v1/grants/${dropped.body.grant.id}/revoke`)
    expect(revoked.body.state).toBe('revoked')
    expect((await alice.get(`/v1/grants/${kept.body.grant.id}`)).status).toBe(200)

    let m = await scrape(world)
    expect(m.value('hourglass_grants', { state: 'active' })).toBe(2)
    expect(m.value('hourglass_grants', { state: 'revoked' })).toBe(1)
    expect(m.value('hourglass_grants_active', { connector: 'jwt' })).toBe(1)
    expect(m.value('hourglass_grants_active', { connector: 'webhook' })).toBe(1)
    expect(m.value('hourglass_grants_active', { connector: 'postgres' })).toBe(0)
    expect(m.value('hourglass_connector_operations_total', { kind: 'jwt', op: 'issue', outcome: 'ok' })).toBe(2)
    expect(m.value('hourglass_connector_operations_total', { kind: 'jwt', op: 'revoke', outcome: 'ok' })).toBe(1)
    expect(m.value('hourglass_connector_operations_total', { kind: 'webhook', op: 'issue', outcome: 'ok' })).toBe(1)
    expect(m.value('hourglass_connector_operation_seconds_count', { kind: 'webhook', op: 'issue' })).toBe(1)
    expect(m.value('hourglass_revocation_lag_seconds_count')).toBe(1)

    // The billing endpoint refuses every revocation: failed, then irrevocable after the 2nd attempt.
    endpoint.failNext(2, 400)
    world.clock.advance(10 * MINUTE)
    await runDueWork(deps)
    m = await scrape(world)
    expect(m.value('hourglass_grants', { state: 'revoke_failed' })).toBe(1)
    expect(m.value('hourglass_revocations_overdue')).toBe(1)
    expect(m.value('hourglass_grants_irrevocable')).toBe(0)
    world.clock.advance(5000)
    await runDueWork(deps)
    m = await scrape(world)
    expect(m.value('hourglass_grants_irrevocable')).toBe(1)
    expect(m.value('hourglass_revocations_overdue')).toBe(0)
    expect(m.value('hourglass_grants_active', { connector: 'webhook' })).toBe(0)
    expect(m.value('hourglass_connector_operations_total', { kind: 'webhook', op: 'revoke', outcome: 'rejected' })).toBe(2)

    // A policy that errors denies, and is counted apart from ordinary denials.
    const denied = await alice.post('/v1/requests', { entitlementId: 'payments-admin', justification: WHY, ticketRef: 'INC-42' })
    expect(denied.body.error?.code).toBe('request.denied_by_policy')
    const ordinaryDenial = await alice.post('/v1/requests', { entitlementId: 'payments-refund', justification: WHY, ticketRef: 'INC-42' })
    expect(ordinaryDenial.body.error?.code).toBe('request.denied_by_policy')
    m = await scrape(world)
    expect(m.value('hourglass_policy_evaluation_errors_total')).toBe(1)

    // Access on the target that no grant backs shows as an open shadow finding.
    endpoint.addShadow('intruder', ['billing:read'])
    const reconciled = await world.as('admin').post('/v1/reconcile', { targetId: 'billing' })
    expect(reconciled.status).toBe(200)
    m = await scrape(world)
    expect(m.value('hourglass_findings_open', { type: 'shadow' })).toBe(1)
    expect(m.value('hourglass_connector_operations_total', { kind: 'webhook', op: 'list', outcome: 'ok' })).toBe(1)
    expect(m.labelSets('hourglass_findings_open').map((l) => l.type).sort()).toEqual(
      ['drift', 'exception_drift', 'lingering', 'orphaned_nhi', 'shadow', 'stale_credential'],
    )

    // HTTP requests are labelled by route template: the grant read above is one series, id-free.
    expect(m.value('hourglass_http_requests_total', { method: 'POST', route: '/v1/requests', status: '201' })).toBe(3)
    expect(m.value('hourglass_http_requests_total', { method: 'GET', route: '/v1/grants/{id}', status: '200' })).toBe(1)
    expect(m.value('hourglass_http_requests_total', { method: 'POST', route: '/v1/grants/{id}/revoke', status: '200' })).toBe(1)
    expect(m.value('hourglass_http_request_duration_seconds_count', { method: 'GET', route: '/v1/grants/{id}' })).toBe(1)
    await world.runtime.app.request('/v1/no-such-thing/grt_123')
    m = await scrape(world)
    expect(m.value('hourglass_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1)

    // Names and label values: every metric is ours, and no label carries an id.
    const ids = [kept, dropped, billing, denied].flatMap((r) => [r.body.request?.id, r.body.grant?.id]).filter(Boolean)
    expect(ids.length).toBeGreaterThanOrEqual(6)
    for (const s of m.samples) {
      expect(s.name.startsWith('hourglass_')).toBe(true)
      for (const value of Object.values(s.labels)) {
        expect(value).not.toMatch(/(grt|req|idn)_[A-Za-z0-9]/)
        for (const id of ids) expect(value).not.toContain(id)
      }
    }
    for (const line of m.text.split('\n').filter((l) => l.startsWith('# TYPE') || l.startsWith('# HELP'))) {
      expect(line.split(' ')[2]).toMatch(/^hourglass_/)
    }
    expect(m.value('hourglass_process_cpu_user_seconds_total')).toBeGreaterThan(0)
  })

  it('reports the audit head, checkpoint age, append failures and a withheld checkpoint', async () => {
    const { deps, checkpointer } = world.runtime
    const sqlite = new Database(path.join(world.dataDir, 'hourglass.db'))
    try {
      expect(await checkpointer.maybeCheckpoint(true)).not.toBeNull()
      let m = await scrape(world)
      const head = (await deps.store.audit.head()).seq
      expect(m.value('hourglass_audit_head_seq')).toBe(head)
      expect(m.value('hourglass_audit_checkpoint_age_seconds')).toBe(0)

      // One event after the checkpoint, then two minutes without a new one.
      const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
      expect(r.status).toBe(201)
      world.clock.advance(2 * MINUTE)
      m = await scrape(world)
      expect(m.value('hourglass_audit_head_seq')).toBeGreaterThan(head)
      expect(m.value('hourglass_audit_checkpoint_age_seconds')).toBe(120)

      // The database refuses one kind of audit append: the change rolls back and is counted.
      sqlite.exec(`create trigger test_refuse_cancel before insert on audit_events
        when new.type = 'request.cancelled' begin select raise(abort, 'disk says no'); end`)
      const cancel = await world.as('alice').post(`/v1/requests/${r.body.request.id}/cancel`)
      expect(cancel.status).toBeGreaterThanOrEqual(500)
      expect((await deps.store.requests.get(r.body.request.id))?.state).toBe('pending')
      sqlite.exec('drop trigger test_refuse_cancel')
      m = await scrape(world)
      expect(m.value('hourglass_audit_append_failures_total')).toBe(1)
      // A request that ended in an error is still counted, under its route template.
      const route = { method: 'POST', route: '/v1/requests/{id}/cancel' }
      expect(m.value('hourglass_http_requests_total', { ...route, status: String(cancel.status) })).toBe(1)
      expect(m.value('hourglass_http_request_duration_seconds_count', route)).toBe(1)

      // Someone with database access edits an event after the last checkpoint: no signature for it.
      const tampered = (await deps.store.audit.head()).seq
      sqlite.exec('drop trigger audit_events_no_update')
      sqlite.exec(`update audit_events set actor = 'mallory' where seq = ${tampered}`)
      expect(await checkpointer.maybeCheckpoint(true)).toBeNull()
      world.clock.advance(MINUTE)
      m = await scrape(world)
      expect(m.value('hourglass_audit_checkpoint_failures_total')).toBe(1)
      expect(m.value('hourglass_audit_checkpoint_age_seconds')).toBe(180)
      expect((await deps.store.audit.listCheckpoints()).at(-1)?.seq).toBe(head)
    } finally {
      sqlite.close()
    }
  })
})

describe('/metrics with metrics.token set', () => {
  let world: TestWorld
  afterEach(async () => {
    await world.close()
  })

  it('answers only a scraper that presents the token', async () => {
    const token = 'scrape-token-0123456789abcdef'
    world = await startTestWorld({ config: { metrics: { token } } })
    const missing = await world.runtime.app.request('/metrics')
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('auth.missing')
    const wrong = await world.runtime.app.request('/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789abcdeX' } })
    expect(wrong.status).toBe(401)
    // An API token is an identity, not the scrape secret.
    const apiToken = await world.runtime.app.request('/metrics', { headers: { authorization: `Bearer ${world.tokens.admin}` } })
    expect(apiToken.status).toBe(401)
    const m = await scrape(world, { authorization: `Bearer ${token}` })
    expect(m.value('hourglass_grants_irrevocable')).toBe(0)
    expect(m.text).not.toContain(token)
  })
})

const pgBase = pgUrlOrSkip()

describe.skipIf(!pgBase)('/metrics on PostgreSQL', () => {
  it('runs the same scrape queries: overdue, active by connector, break-glass overdue', async () => {
    const db = await freshPgDatabase(pgBase!)
    const world = await startTestWorld({ databaseUrl: db.url })
    try {
      const granted = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, duration: '10m' })
      expect(granted.status).toBe(201)
      const glass = await world.as('bob').post('/v1/breakglass', {
        entitlementId: 'orders-write',
        incidentRef: 'INC-7',
        reason: 'Checkout is down for every customer; draining the queue',
      })
      expect(glass.status).toBe(201)
      await runDueWork(world.runtime.deps)
      let m = await scrape(world)
      expect(m.value('hourglass_grants_active', { connector: 'jwt' })).toBe(2)
      expect(m.value('hourglass_revocations_overdue')).toBe(0)
      expect(m.value('hourglass_breakglass_reviews_overdue')).toBe(0)
      // Past both ends and the review deadline, before any worker ran: both grants are overdue.
      world.clock.advance(2 * 86_400_000)
      m = await scrape(world)
      expect(m.value('hourglass_revocations_overdue')).toBe(2)
      expect(m.value('hourglass_breakglass_reviews_overdue')).toBe(1)
      await runDueWork(world.runtime.deps)
      m = await scrape(world)
      expect(m.value('hourglass_revocations_overdue')).toBe(0)
      expect(m.value('hourglass_grants', { state: 'revoked' })).toBe(2)
      expect(m.value('hourglass_grants_active', { connector: 'jwt' })).toBe(0)
      expect(m.value('hourglass_findings_open', { type: 'shadow' })).toBe(0)
    } finally {
      await world.close()
      await db.drop()
    }
  })
})
