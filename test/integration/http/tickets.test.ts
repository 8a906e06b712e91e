import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { hubSignatureOf } from '../../../src/http/tickets/ticket-signatures.js'
import { generateWebhookSecret, signWebhook } from '../../../src/security/webhook-signature.js'
import { serveApp } from '../../support/serve-app.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const GENERIC_SECRET = generateWebhookSecret()
const SERVICENOW_SECRET = generateWebhookSecret()
const JIRA_SECRET = 'jira-shared-secret-0123456789'
const GITHUB_SECRET = 'github-shared-secret-0123456789'

let world: TestWorld
let server: { url: string; stop(): Promise<void> }
let sequence = 0

beforeAll(async () => {
  world = await startTestWorld({
    config: {
      tickets: {
        generic: { secret: GENERIC_SECRET },
        servicenow: { secret: SERVICENOW_SECRET },
        jira: { secret: JIRA_SECRET, entitlementField: 'customfield_10100', durationField: 'customfield_10101' },
        github: { secret: GITHUB_SECRET, users: { 'alice-gh': 'alice' } },
      },
    },
  })
  server = await serveApp(world.runtime.app)
})
afterAll(async () => {
  await server.stop()
  await world.close()
})

const nowSeconds = () => Math.floor(world.clock.now().getTime() / 1000)
const store = () => world.runtime.deps.store

async function deliver(source: string, raw: string, headers: Record<string, string>) {
  const res = await fetch(`${server.url}/v1/integrations/tickets/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** A generic delivery, Standard Webhooks-signed over exactly the bytes sent. */
function generic(payload: object, options: { id?: string; at?: number; secret?: string } = {}) {
  const raw = JSON.stringify(payload, null, 1)
  const id = options.id ?? `msg_${++sequence}`
  const headers = signWebhook(options.secret ?? GENERIC_SECRET, id, options.at ?? nowSeconds(), raw)
  return { raw, headers: { ...headers } as Record<string, string>, id }
}

const opened = (ref: string, extra: object = {}) => ({
  event: 'opened',
  ticket: {
    ref,
    title: 'Investigate order 1234 for a customer',
    requester: { email: 'ALICE@example.com' },
    entitlementId: 'orders-read',
    duration: '30m',
    ...extra,
  },
})

async function counts() {
  return {
    requests: (await store().requests.list({ limit: 10_000 })).length,
    grants: (await store().grants.list({ limit: 10_000 })).length,
  }
}

async function lastRejection() {
  const events = await store().audit.list({ limit: 100_000 })
  return events.filter((e) => e.type === 'ticket.delivery_rejected').at(-1)?.data
}

describe('generic ticket webhooks (Standard Webhooks signatures)', () => {
  it('opens a request for the original requester, then the close revokes its grant', async () => {
    const open = generic(opened('OPS-100'))
    const res = await deliver('generic', open.raw, open.headers)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ outcome: 'opened', ticketRef: 'OPS-100', state: 'approved' })
    const request = (await store().requests.get(res.body.requestId))!
    expect(request).toMatchObject({
      requesterId: 'alice',
      subjectId: 'alice',
      entitlementId: 'orders-read',
      ticketRef: 'OPS-100',
      durationSeconds: 1800,
      revocationCondition: 'ticket_closed',
    })
    expect(request.justification).toContain('Investigate order 1234')
    await runDueWork(world.runtime.deps)
    expect((await store().grants.get(res.body.grantId))!.state).toBe('active')

    const close = generic({ event: 'updated', ticket: { ref: 'OPS-100', status: 'Resolved' } })
    const closed = await deliver('generic', close.raw, close.headers)
    expect(closed.body).toMatchObject({ outcome: 'closed', revokedGrants: [res.body.grantId] })
    expect(await store().grants.get(res.body.grantId)).toMatchObject({ state: 'revoked', revokeReason: 'ticket_closed' })
    const received = (await store().audit.list({ limit: 100_000 })).filter((e) => e.type === 'ticket.received')
    expect(received.map((e) => e.data.deliveryId)).toEqual(expect.arrayContaining([open.id, close.id]))
  })

  it('revokes a request a person made by hand when the ticket it names closes', async () => {
    const manual = await world.as('bob').post('/v1/requests', {
      entitlementId: 'orders-read',
      justification: 'Look into the stuck export for OPS-7',
      ticketRef: 'OPS-7',
    })
    await runDueWork(world.runtime.deps)
    const close = generic({ event: 'closed', ticket: { ref: 'OPS-7' } })
    expect((await deliver('generic', close.raw, close.headers)).body.outcome).toBe('closed')
    expect(await store().grants.get(manual.body.grant.id)).toMatchObject({ state: 'revoked', revokeReason: 'ticket_closed' })
  })

  it('rejects a forged delivery with 401, changes nothing, and audits it', async () => {
    const before = await counts()
    const forged = generic(opened('OPS-101'), { secret: generateWebhookSecret() })
    const res = await deliver('generic', forged.raw, forged.headers)
    expect([res.status, res.body.error.code]).toEqual([401, 'ticket.signature_invalid'])
    // Signed, then re-serialised on the way: the signature covers the raw bytes, so it fails.
    const resent = generic(opened('OPS-101'))
    const reserialised = await deliver('generic', JSON.stringify(JSON.parse(resent.raw)), resent.headers)
    expect([reserialised.status, reserialised.body.error.code]).toEqual([401, 'ticket.signature_invalid'])
    const unsigned = await deliver('generic', resent.raw, {})
    expect(unsigned.status).toBe(401)
    expect(await counts()).toEqual(before)
    expect(await lastRejection()).toMatchObject({ source: 'generic', reason: 'ticket.signature_invalid' })
  })

  it('rejects a replayed delivery with 409 and a stale one with 401, changing nothing', async () => {
    const delivery = generic(opened('OPS-102'))
    expect((await deliver('generic', delivery.raw, delivery.headers)).body.outcome).toBe('opened')
    const before = await counts()
    const replay = await deliver('generic', delivery.raw, delivery.headers)
    expect([replay.status, replay.body.error.code]).toEqual([409, 'ticket.replayed'])
    expect(await lastRejection()).toMatchObject({ reason: 'ticket.replayed', deliveryId: delivery.id })
    const stale = generic(opened('OPS-103'), { at: nowSeconds() - 301 })
    const late = await deliver('generic', stale.raw, stale.headers)
    expect([late.status, late.body.error.code]).toEqual([401, 'ticket.stale'])
    const future = generic(opened('OPS-104'), { at: nowSeconds() + 301 })
    expect((await deliver('generic', future.raw, future.headers)).body.error.code).toBe('ticket.stale')
    expect(await counts()).toEqual(before)
  })

  it('opens nothing from free text, an unknown entitlement or an unknown person', async () => {
    const before = await counts()
    const prose = generic(opened('OPS-105', { entitlementId: 'please give me prod access' }))
    const refused = await deliver('generic', prose.raw, prose.headers)
    expect([refused.status, refused.body.error.code]).toEqual([400, 'ticket.entitlement_required'])
    const missing = generic(opened('OPS-105', { entitlementId: null }))
    expect((await deliver('generic', missing.raw, missing.headers)).body.error.code).toBe('ticket.entitlement_required')
    const unknown = generic(opened('OPS-106', { entitlementId: 'prod-root' }))
    expect((await deliver('generic', unknown.raw, unknown.headers)).body.error.code).toBe('catalog.not_found')
    const stranger = generic(opened('OPS-107', { requester: { email: 'mallory@example.org' } }))
    expect((await deliver('generic', stranger.raw, stranger.headers)).body.error.code).toBe('ticket.requester_unmapped')
    expect(await counts()).toEqual(before)
    expect(await lastRejection()).toMatchObject({ reason: 'ticket.requester_unmapped', ticketRef: 'OPS-107' })
    // A refused delivery was not consumed: once fixed, the same ticket opens (with a new delivery).
    const fixed = generic(opened('OPS-105'))
    expect((await deliver('generic', fixed.raw, fixed.headers)).body.outcome).toBe('opened')
  })

  it('opens one request per ticket even when the sender sends the opening twice', async () => {
    const first = generic(opened('OPS-108'))
    const a = await deliver('generic', first.raw, first.headers)
    const second = generic(opened('OPS-108'))
    const b = await deliver('generic', second.raw, second.headers)
    expect(b.body).toMatchObject({ outcome: 'already_open', requestId: a.body.requestId })
  })

  it('answers 404 for a source that is not configured', async () => {
    const res = await deliver('zendesk', '{}', {})
    expect([res.status, res.body.error.code]).toEqual([404, 'ticket.source_unknown'])
  })
})

describe('GitHub issues (X-Hub-Signature-256)', () => {
  function issueEvent(action: string, number: number, body: string, updatedAt = world.clock.now()) {
    return {
      action,
      issue: { number, title: 'Need to read orders for the incident', body, updated_at: updatedAt.toISOString(), user: { login: 'alice-gh' } },
      repository: { full_name: 'acme/ops' },
    }
  }
  const form = '### Entitlement\n\norders-read\n\n### Duration\n\n2h\n'
  const send = (payload: object, options: { delivery?: string; secret?: string; event?: string } = {}) => {
    const raw = JSON.stringify(payload)
    return deliver('github', raw, {
      'x-github-event': options.event ?? 'issues',
      'x-github-delivery': options.delivery ?? crypto.randomUUID(),
      'x-hub-signature-256': hubSignatureOf(options.secret ?? GITHUB_SECRET, raw),
    })
  }

  it('opens from an issue form, maps the login explicitly, and closes with the issue', async () => {
    const res = await send(issueEvent('opened', 12, form))
    expect(res.body).toMatchObject({ outcome: 'opened', ticketRef: 'acme/ops#12', state: 'approved' })
    expect((await store().requests.get(res.body.requestId))!).toMatchObject({ requesterId: 'alice', durationSeconds: 7200 })
    await runDueWork(world.runtime.deps)
    const closed = await send(issueEvent('closed', 12, form))
    expect(closed.body).toMatchObject({ outcome: 'closed', revokedGrants: [res.body.grantId] })
  })

  it('checks the window against the signed payload time, and refuses a wrong secret', async () => {
    const before = await counts()
    const old = await send(issueEvent('opened', 13, form, new Date(world.clock.now().getTime() - 10 * 60 * 1000)))
    expect([old.status, old.body.error.code]).toEqual([401, 'ticket.stale'])
    const forged = await send(issueEvent('opened', 13, form), { secret: 'not-the-github-secret-000' })
    expect([forged.status, forged.body.error.code]).toEqual([401, 'ticket.signature_invalid'])
    const delivery = crypto.randomUUID()
    expect((await send(issueEvent('edited', 13, form), { delivery })).body.outcome).toBe('ignored')
    expect(await counts()).toEqual(before)
  })

  it('ignores pings and issues that name no entitlement', async () => {
    expect((await send({ zen: 'Keep it logically awesome.' }, { event: 'ping' })).body.outcome).toBe('ignored')
    expect((await send(issueEvent('opened', 14, 'Just a bug report'))).body.outcome).toBe('ignored')
  })
})

describe('Jira (X-Hub-Signature) and ServiceNow (Standard Webhooks)', () => {
  it('opens from a Jira issue with the entitlement field and closes when it is done', async () => {
    const issue = (event: string, category: string) => ({
      webhookEvent: event,
      timestamp: world.clock.now().getTime(),
      issue: {
        key: 'ACC-9',
        fields: {
          summary: 'Read access for the quarterly order audit',
          status: { name: category === 'done' ? 'Done' : 'Open', statusCategory: { key: category } },
          reporter: { emailAddress: 'bob@example.com' },
          customfield_10100: { value: 'orders-read', id: '10001' },
          customfield_10101: '45m',
        },
      },
    })
    const send = (payload: object, delivery = crypto.randomUUID()) => {
      const raw = JSON.stringify(payload)
      return deliver('jira', raw, { 'x-atlassian-webhook-identifier': delivery, 'x-hub-signature': hubSignatureOf(JIRA_SECRET, raw) })
    }
    const res = await send(issue('jira:issue_created', 'new'))
    expect(res.body).toMatchObject({ outcome: 'opened', ticketRef: 'ACC-9' })
    expect((await store().requests.get(res.body.requestId))!).toMatchObject({ requesterId: 'bob', durationSeconds: 2700 })
    await runDueWork(world.runtime.deps)
    const delivery = crypto.randomUUID()
    const done = await send(issue('jira:issue_updated', 'done'), delivery)
    expect(done.body).toMatchObject({ outcome: 'closed', revokedGrants: [res.body.grantId] })
    expect((await send(issue('jira:issue_updated', 'done'), delivery)).body.error.code).toBe('ticket.replayed')
  })

  it('opens from a ServiceNow requested item and closes when it becomes inactive', async () => {
    const item = (operation: string, active: string) => ({
      number: 'RITM0010001',
      operation,
      active,
      short_description: 'Orders read access for reconciliation',
      requested_for: { email: 'olivia@example.com', user_name: 'olivia' },
      variables: { hourglass_entitlement: 'orders-read', hourglass_duration: '1h' },
    })
    const send = (payload: object) => {
      const raw = JSON.stringify(payload)
      return deliver('servicenow', raw, { ...signWebhook(SERVICENOW_SECRET, `sn_${++sequence}`, nowSeconds(), raw) })
    }
    const res = await send(item('insert', 'true'))
    expect(res.body).toMatchObject({ outcome: 'opened', ticketRef: 'RITM0010001' })
    expect((await store().requests.get(res.body.requestId))!.requesterId).toBe('olivia')
    await runDueWork(world.runtime.deps)
    const closed = await send(item('update', 'false'))
    expect(closed.body).toMatchObject({ outcome: 'closed', revokedGrants: [res.body.grantId] })
    // ServiceNow's secret is its own: a delivery signed with the generic source's secret fails.
    const raw = JSON.stringify(item('insert', 'true'))
    const crossed = await deliver('servicenow', raw, { ...signWebhook(GENERIC_SECRET, 'sn_x', nowSeconds(), raw) })
    expect(crossed.body.error.code).toBe('ticket.signature_invalid')
  })
})
