import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { recordAudit } from '../../../src/app/load.js'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import type { OutboxMessage } from '../../../src/domain/outbox.js'
import { createNotifications } from '../../../src/main/notifications.js'
import { createMetrics } from '../../../src/observability/metrics.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import type { Store } from '../../../src/storage/store.js'
import {
  startNotificationReceiver,
  type NotificationReceiver,
} from '../../support/notification-receiver.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js'
import { silentLog, startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64')
const WHY = 'Fix a stuck order for customer ticket OPS-2'
const FROM = 'hourglass@example.com'

let world: TestWorld
let sink: SmtpSink
let receiver: NotificationReceiver
const cleanups: Array<() => Promise<unknown>> = []

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function setUp(
  options: {
    receiver?: Parameters<typeof startNotificationReceiver>[0]
    webhook?: Record<string, unknown>
    notifications?: Record<string, unknown>
    smtp?: Parameters<typeof startSmtpSink>[0]
    databaseUrl?: string
  } = {},
): Promise<void> {
  sink = await startSmtpSink(options.smtp)
  cleanups.push(() => sink.close())
  receiver = await startNotificationReceiver({
    secret: SECRET,
    now: () => world.clock.now(),
    ...options.receiver,
  })
  cleanups.push(() => receiver.close())
  const notifications = {
    smtp: { host: sink.host, port: sink.port, from: FROM },
    webhooks: [{ url: receiver.url, secret: SECRET, ...options.webhook }],
    maxAttempts: 3,
    baseMs: 1_000,
    capMs: 4_000,
    ...options.notifications,
  }
  world = await startTestWorld({
    config: { notifications },
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  })
  cleanups.push(() => world.close())
}

const store = () => world.runtime.deps.store
const deliver = () => world.runtime.notifications.runOnce()
const outbox = async (filter: { kind?: string } = {}) =>
  store().outbox.list({ ...filter, limit: 10_000 })
const mailTo = (address: string) => sink.messages.filter((m) => m.to.includes(address))

async function submit(
  who: string,
  body: Record<string, unknown>,
): Promise<{ request: any; grant: any }> {
  const r = await world.as(who).post('/v1/requests', { justification: WHY, ...body })
  expect(r.status).toBe(201)
  return r.body as { request: any; grant: any }
}

describe('email to people, after commit', () => {
  it('a pending request emails its named reviewers at once (no sweep), and only them', async () => {
    await setUp({ webhook: { events: ['grant.revoked'] } })
    const r = await submit('alice', { entitlementId: 'payments-refund', ticketRef: 'OPS-1' })
    expect(r.request).toMatchObject({ state: 'pending', eligibleReviewers: ['paul', 'sam'] })
    // Nobody calls the dispatcher: the commit's nudge delivers.
    const mails = await sink.waitFor(2)
    expect(mails.flatMap((m) => m.to).sort()).toEqual(['paul@example.com', 'sam@example.com'])
    for (const mail of mails) {
      expect(mail.from).toBe(FROM)
      expect(mail.headers.subject).toBe(
        'Review needed: Alice Engineer (alice) requests payments-refund',
      )
      expect(mail.headers['message-id']).toMatch(/^<ntf_[a-z0-9]+@example\.com>$/)
      expect(mail.headers['auto-submitted']).toBe('auto-generated')
      expect(mail.body).toContain(`http://127.0.0.1:7300/v1/requests/${r.request.id}`)
      expect(mail.body).toContain(`Justification: ${WHY}`)
      expect(mail.body).toContain('Ticket: OPS-1')
    }
    await deliver() // waits for the nudged run to record what it sent
    const rows = await outbox({ kind: 'request.submitted' })
    expect(rows.map((m) => [m.channel, m.state, m.attempts])).toEqual([
      ['email', 'delivered', 1],
      ['email', 'delivered', 1],
    ])
    // An auto-approved request needs no reviewer.
    await submit('bob', { entitlementId: 'orders-read' })
    await deliver()
    expect(
      sink.messages.filter((m) => m.headers.subject?.startsWith('Review needed')),
    ).toHaveLength(2)
  })

  it('approval emails the requester; activation emails the subject, never the credential', async () => {
    await setUp()
    const r = await submit('alice', { entitlementId: 'orders-write' })
    await deliver()
    expect(mailTo('olivia@example.com').map((m) => m.headers.subject)).toEqual([
      'Review needed: Alice Engineer (alice) requests orders-write',
    ])
    expect(mailTo('alice@example.com')).toHaveLength(0)

    const ok = await world
      .as('olivia')
      .post(`/v1/requests/${r.request.id}/reviews`, { verdict: 'approve' })
    expect(ok.body.outcome).toBe('approved')
    await deliver()
    const approved = mailTo('alice@example.com')
    expect(approved.map((m) => m.headers.subject)).toEqual([
      'Approved: your request for orders-write',
    ])
    expect(approved[0]?.body).toContain('Reason: approved by reviewers')

    await runDueWork(world.runtime.deps)
    const cred = await world.as('alice').post(`/v1/grants/${ok.body.grant.id}/credential`)
    const token: string = cred.body.credential
    expect(token.length).toBeGreaterThan(20)
    await deliver()
    const active = mailTo('alice@example.com').at(-1)
    expect(active?.headers.subject).toBe('Access active: orders-write')
    expect(active?.body).toContain(`/v1/grants/${ok.body.grant.id}`)
    // Neither the mails, the webhook bodies nor the stored payloads carry the credential.
    const everything = JSON.stringify([
      sink.messages,
      receiver.accepted.map((d) => d.rawBody),
      await outbox(),
    ])
    expect(everything).not.toContain(token)
    expect(everything).not.toContain(token.split('.')[2])
  })

  it('a denial by policy and a lapsed request tell the requester', async () => {
    await setUp()
    // alice is not on call: policy refuses her break-glass, and the refusal is recorded.
    const denied = await world.as('alice').post('/v1/breakglass', {
      entitlementId: 'orders-write',
      incidentRef: 'INC-7',
      reason: 'Orders API is rejecting every checkout; need write access to drain the queue',
    })
    expect(denied.body.error.code).toBe('request.denied_by_policy')
    const lapsing = await submit('bob', { entitlementId: 'orders-write' })
    world.clock.advance(86_400_000 + 1)
    expect(await runDueWork(world.runtime.deps)).toMatchObject({ lapsed: 1 })
    await deliver()
    const subjects = sink.messages.map((m) => `${m.to.join()} ${m.headers.subject}`)
    expect(subjects).toContain('alice@example.com Denied by policy: your request for orders-write')
    expect(subjects).toContain(
      'bob@example.com Lapsed: nobody reviewed your request for orders-write in time',
    )
    expect((await store().requests.get(lapsing.request.id))?.state).toBe('lapsed')
  })

  it('break-glass alerts the owners and security at once, not the user', async () => {
    await setUp()
    const r = await world.as('bob').post('/v1/breakglass', {
      entitlementId: 'orders-write',
      incidentRef: 'INC-42',
      reason: 'Orders API is rejecting every checkout; need write access to drain the queue',
    })
    expect(r.status).toBe(201)
    await deliver()
    const alerts = sink.messages.filter((m) => m.headers.subject?.startsWith('Break-glass used'))
    expect(alerts.flatMap((m) => m.to).sort()).toEqual(['olivia@example.com', 'sam@example.com'])
    expect(alerts[0]?.headers.subject).toBe(
      'Break-glass used: Bob Engineer (bob) took orders-write',
    )
    expect(alerts[0]?.body).toContain('Incident: INC-42')
    // No "review needed" for a use that is reviewed after the fact.
    expect(sink.messages.some((m) => m.headers.subject?.startsWith('Review needed'))).toBe(false)
  })
})

describe('signed webhooks and Slack', () => {
  it('delivers Standard Webhooks signed with webhook-id = outbox id; a tampered copy is rejected', async () => {
    await setUp()
    const r = await submit('alice', { entitlementId: 'orders-write' })
    await deliver()
    const [delivery] = await receiver.waitFor(1)
    const [row] = (await outbox({ kind: 'request.submitted' })).filter(
      (m) => m.channel === 'webhook',
    )
    expect(row).toMatchObject({
      state: 'delivered',
      attempts: 1,
      recipient: expect.stringMatching(/^webhook:[0-9a-f]{16}$/),
    })
    expect(delivery?.headers['webhook-id']).toBe(row?.id)
    expect(delivery?.body).toMatchObject({
      type: 'request.submitted',
      data: {
        requestId: r.request.id,
        requesterId: 'alice',
        entitlementId: 'orders-write',
        requestState: 'pending',
      },
    })
    expect(delivery?.body.data.links.request).toBe(
      `http://127.0.0.1:7300/v1/requests/${r.request.id}`,
    )
    expect(receiver.rejected).toEqual([])
    // The receiver checks the raw body: one changed byte and the signature no longer matches.
    const forged = delivery!.rawBody.replace('"alice"', '"admin"')
    expect(forged).not.toBe(delivery!.rawBody)
    expect(await receiver.replayTampered(delivery!, forged)).toBe(401)
    expect(await receiver.replayTampered(delivery!, delivery!.rawBody)).toBe(204)
    expect(receiver.rejected).toEqual(['no-matching-signature'])
  })

  it('posts { text } to a Slack-compatible webhook with mrkdwn escaped', async () => {
    const slack = await startNotificationReceiver({ secret: null })
    cleanups.push(() => slack.close())
    await setUp({ notifications: { slack: [{ url: slack.url }], webhooks: [] } })
    await submit('alice', {
      entitlementId: 'orders-write',
      justification: 'Ping <!channel> & fix the <stuck> order 77',
    })
    await deliver()
    const [post] = await slack.waitFor(1)
    expect(Object.keys(post?.body)).toEqual(['text'])
    expect(post?.body.text).toContain(
      '*Review needed: Alice Engineer (alice) requests orders-write*',
    )
    expect(post?.body.text).toContain('Ping &lt;!channel&gt; &amp; fix the &lt;stuck&gt; order 77')
    expect(post?.body.text).not.toContain('<!channel>')
    // The row names the endpoint by id: a Slack URL is a credential and stays out of the database.
    const rows = await outbox()
    expect(JSON.stringify(rows)).not.toContain(slack.url)
  })
})

describe('retries and dead letters', () => {
  it('a receiver that fails twice then succeeds gets the message exactly once, on attempt 3', async () => {
    await setUp({
      receiver: { secret: SECRET, failFirst: 2 },
      webhook: { events: ['request.submitted'] },
    })
    await submit('alice', { entitlementId: 'orders-write' })
    await deliver()
    const webhookRow = async () =>
      (await outbox({ kind: 'request.submitted' })).find((m) => m.channel === 'webhook')
    expect(await webhookRow()).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: expect.stringMatching(/answered HTTP 503$/),
    })
    // Backoff: nothing is tried again before it is due.
    await deliver()
    expect(receiver.requests).toBe(1)
    world.clock.advance(4_000)
    await deliver()
    expect(await webhookRow()).toMatchObject({ state: 'pending', attempts: 2 })
    world.clock.advance(4_000)
    await deliver()
    expect(await webhookRow()).toMatchObject({ state: 'delivered', attempts: 3, lastError: null })
    world.clock.advance(60_000)
    await deliver()
    expect(receiver.requests).toBe(3)
    expect(receiver.accepted).toHaveLength(1)
    expect(new Set(receiver.accepted.map((d) => d.headers['webhook-id'])).size).toBe(1)
  })

  it('a permanently failing receiver dead-letters after maxAttempts; the row keeps its final error', async () => {
    await setUp({
      receiver: { secret: SECRET, alwaysFail: true },
      webhook: { events: ['request.submitted'] },
    })
    await submit('alice', { entitlementId: 'orders-write' })
    for (let i = 0; i < 6; i++) {
      await deliver()
      world.clock.advance(4_000)
    }
    expect(receiver.requests).toBe(3)
    const [row] = (await outbox({ kind: 'request.submitted' })).filter(
      (m) => m.channel === 'webhook',
    )
    expect(row).toMatchObject({
      state: 'dead',
      attempts: 3,
      nextAttemptAt: null,
      deliveredAt: null,
    })
    expect(row?.lastError).toBe(`webhook ${new URL(receiver.url).host} answered HTTP 500`)
    const metrics = await (await world.runtime.app.request('/metrics')).text()
    expect(metrics).toContain('hourglass_notifications_dead_lettered_total{channel="webhook"} 1')
    // The email to the reviewer was unaffected.
    expect(mailTo('olivia@example.com')).toHaveLength(1)
  })

  it('a mailbox the server does not know dead-letters at once (no pointless retries)', async () => {
    await setUp({
      smtp: { unknownMailboxes: ['olivia@example.com'] },
      webhook: { events: ['grant.revoked'] },
    })
    await submit('alice', { entitlementId: 'orders-write' })
    await deliver()
    const [row] = await outbox({ kind: 'request.submitted' })
    expect(row).toMatchObject({
      state: 'dead',
      attempts: 1,
      lastError: expect.stringContaining('RCPT TO refused'),
    })
    expect(row?.lastError).toContain('550')
  })
})

describe('the outbox is transactional', () => {
  it('a transaction that fails leaves no outbox row; the same one committed does', async () => {
    await setUp()
    const r = await submit('alice', { entitlementId: 'orders-write' })
    const deps = world.runtime.deps
    const approve = (tx: Parameters<Parameters<Store['transaction']>[0]>[0]) =>
      recordAudit(tx, deps, {
        type: 'request.approved',
        actor: 'olivia',
        requestId: r.request.id,
        data: {},
      })
    await expect(
      store().transaction(async (tx) => {
        await approve(tx)
        expect((await tx.outbox.list({ kind: 'request.approved' })).length).toBeGreaterThan(0)
        throw new Error('the change failed after its audit event')
      }),
    ).rejects.toThrow('the change failed')
    expect(await outbox({ kind: 'request.approved' })).toEqual([])
    await store().transaction(approve)
    expect((await outbox({ kind: 'request.approved' })).map((m) => m.channel).sort()).toEqual([
      'email',
      'webhook',
    ])
  })
})

const pgBase = pgUrlOrSkip()
const engines = pgBase === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)

describe.each(engines)('two dispatchers on one %s database', (engine) => {
  it('race for the same messages and deliver each exactly once', async () => {
    let databaseUrl: string | undefined
    if (engine === 'postgres') {
      const db = await freshPgDatabase(pgBase!)
      cleanups.push(() => db.drop())
      databaseUrl = db.url
    }
    await setUp({
      webhook: { events: ['request.submitted'] },
      ...(databaseUrl ? { databaseUrl } : {}),
    })
    // The world's own dispatcher stops reacting to commits; the two below do all the work.
    await world.runtime.notifications.stop()
    for (let i = 0; i < 12; i++)
      await submit(i % 2 ? 'alice' : 'bob', { entitlementId: 'orders-write' })
    expect(await store().outbox.listDue(world.clock.now(), 100)).toHaveLength(24)

    const second = await openStore(
      databaseUrl ? { databaseUrl } : { sqlitePath: path.join(world.dataDir, 'hourglass.db') },
    )
    cleanups.push(() => second.close())
    const dispatcherOn = (outbox: Store['outbox']) =>
      createNotifications(world.runtime.config, {
        outbox,
        clock: world.clock,
        random: () => 0.5,
        log: silentLog,
        metrics: createMetrics(),
        publicUrl: 'http://127.0.0.1:7300',
      }).dispatcher
    const dispatchers = [dispatcherOn(store().outbox), dispatcherOn(second.outbox)]
    const results = await Promise.all(dispatchers.map((d) => d.runOnce()))

    expect(results.reduce((n, r) => n + r.delivered, 0)).toBe(24)
    expect(receiver.accepted).toHaveLength(12)
    expect(new Set(receiver.accepted.map((d) => d.headers['webhook-id'])).size).toBe(12)
    expect(sink.messages).toHaveLength(12)
    expect(new Set(sink.messages.map((m) => m.headers['message-id'])).size).toBe(12)
    const rows: OutboxMessage[] = await outbox()
    expect(rows.every((m) => m.state === 'delivered' && m.attempts === 1)).toBe(true)
  })
})
