import { describe, expect, it } from 'vitest'
import type { AccessRequest } from './access-request.js'
import type { AuditEvent } from './audit-event.js'
import type { Grant } from './grant.js'
import {
  isNotifiable,
  notificationsFor,
  slackEscape,
  type NotificationContext,
  type NotificationRouting,
  type Person,
} from './notifications.js'

const AT = new Date('2026-11-23T09:00:00Z')

const routing: NotificationRouting = {
  email: true,
  webhooks: [],
  slack: [],
  adminGroup: 'hourglass-admins',
  securityGroup: 'security',
  publicUrl: 'https://hourglass.example.com/',
}

function person(id: string, overrides: Partial<Person> = {}): Person {
  return {
    id,
    kind: 'human',
    displayName: id.toUpperCase(),
    email: `${id}@example.com`,
    status: 'active',
    ownerId: null,
    ...overrides,
  }
}

const request = {
  id: 'req_1',
  requesterId: 'alice',
  subjectId: 'alice',
  entitlementId: 'orders-write',
  justification: 'Fix order 77',
  ticketRef: 'OPS-2',
  durationSeconds: 3600,
  state: 'pending',
  eligibleReviewers: ['olivia', 'rita'],
  decisionReason: null,
} as unknown as AccessRequest

const grant = {
  id: 'grt_1',
  requestId: 'req_1',
  subjectId: 'alice',
  entitlementId: 'orders-write',
  state: 'active',
  expiresAt: new Date(AT.getTime() + 3_600_000),
  revokeReason: null,
} as unknown as Grant

function event(type: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    seq: 1,
    id: `evt_${type}`,
    at: AT,
    type: type as AuditEvent['type'],
    actor: 'system:test',
    requestId: 'req_1',
    grantId: 'grt_1',
    data: {},
    prevHash: '',
    hash: '',
    ...overrides,
  }
}

function context(overrides: Partial<NotificationContext> = {}): NotificationContext {
  const people = [
    person('alice'),
    person('olivia'),
    person('rita'),
    person('paul'),
    person('sam'),
    person('admin'),
  ]
  return {
    routing,
    request,
    grant,
    owners: ['olivia'],
    security: [person('sam')],
    admins: [person('admin')],
    people: new Map(people.map((p) => [p.id, p])),
    ...overrides,
  }
}

const emailsFor = (e: AuditEvent, c = context()) =>
  notificationsFor(e, c)
    .filter((d) => d.channel === 'email')
    .map((d) => d.recipient)
    .sort()

describe('notificationsFor: who gets what', () => {
  it.each([
    ['request.submitted', ['olivia@example.com', 'rita@example.com']],
    ['request.approved', ['alice@example.com']],
    ['request.denied', ['alice@example.com']],
    ['request.denied_by_policy', ['alice@example.com']],
    ['request.lapsed', ['alice@example.com']],
    ['grant.activated', ['alice@example.com']],
    ['grant.revoked', ['alice@example.com']],
    ['breakglass.used', ['olivia@example.com', 'sam@example.com']],
    ['grant.irrevocable', ['admin@example.com']],
    ['breakglass.review_overdue', ['admin@example.com']],
    ['grant.issuing', []],
    ['review.recorded', []],
    ['some.future_event', []],
  ])('%s → %j', (type, expected) => {
    expect(emailsFor(event(type))).toEqual(expected)
  })

  it('tells reviewers only of a request that is still pending and not a break-glass use', () => {
    const approved = { ...request, state: 'approved' } as AccessRequest
    expect(emailsFor(event('request.submitted'), context({ request: approved }))).toEqual([])
    expect(emailsFor(event('request.submitted', { data: { breakGlass: true } }))).toEqual([])
  })

  it('skips people who are not active or have no address, and names each person once', () => {
    const people = context().people as Map<string, Person>
    people.set('rita', person('rita', { status: 'offboarded' }))
    people.set('olivia', person('olivia', { email: null }))
    expect(emailsFor(event('request.submitted'), context({ people }))).toEqual([])
    const both = context({ owners: ['sam'], security: [person('sam')] })
    expect(emailsFor(event('breakglass.used', { actor: 'bob' }), both)).toEqual(['sam@example.com'])
  })

  it('does not alert the break-glass user about their own use', () => {
    expect(emailsFor(event('breakglass.used', { actor: 'sam' }))).toEqual(['olivia@example.com'])
  })

  it('tells the owner of an NHI subject instead of the NHI', () => {
    const ci = person('ci-deployer', { kind: 'workload', email: null, ownerId: 'alice' })
    const people = new Map(context().people).set(ci.id, ci)
    const c = context({ grant: { ...grant, subjectId: 'ci-deployer' }, people })
    expect(emailsFor(event('grant.activated'), c)).toEqual(['alice@example.com'])
  })

  it('sends nothing by email when SMTP is not configured', () => {
    const c = context({ routing: { ...routing, email: false } })
    expect(notificationsFor(event('request.approved'), c)).toEqual([])
    expect(isNotifiable('request.approved', c.routing)).toBe(false)
    expect(isNotifiable('request.approved', routing)).toBe(true)
  })
})

describe('message content', () => {
  it('links to the request and grant and never carries a credential field', () => {
    const [draft] = notificationsFor(event('grant.activated'), context())
    expect(draft?.payload).toMatchObject({
      to: 'alice@example.com',
      identityId: 'alice',
      subject: 'Access active: orders-write',
    })
    const text = String(draft?.payload.text)
    expect(text).toContain('https://hourglass.example.com/v1/grants/grt_1')
    expect(text).toContain('https://hourglass.example.com/v1/requests/req_1')
    expect(text).toContain('Until: 2026-11-23T10:00:00.000Z')
    expect(JSON.stringify(draft)).not.toMatch(/credential"|handle|ciphertext/i)
  })

  it('keeps line breaks out of subjects (no header injection)', () => {
    const people = context().people as Map<string, Person>
    people.set('alice', person('alice', { displayName: 'Eve\r\nBcc: spy@example.com' }))
    const [draft] = notificationsFor(event('request.submitted'), context({ people }))
    expect(draft?.payload.subject).toBe(
      'Review needed: Eve Bcc: spy@example.com (alice) requests orders-write',
    )
  })

  it('de-duplicates by event, channel and recipient; irrevocable alerts once per grant', () => {
    const keys = (id: string, type: string) =>
      notificationsFor(event(type, { id }), context()).map((d) => d.dedupeKey)
    expect(keys('evt_a', 'request.approved')).not.toEqual(keys('evt_b', 'request.approved'))
    expect(keys('evt_a', 'grant.irrevocable')).toEqual(keys('evt_b', 'grant.irrevocable'))
    expect(keys('evt_a', 'grant.irrevocable')).toEqual([
      'grant.irrevocable:grt_1|email|admin@example.com',
    ])
  })
})

describe('webhooks and Slack', () => {
  const endpoints: NotificationRouting = {
    ...routing,
    email: false,
    webhooks: [
      { id: 'webhook:all', events: null },
      { id: 'webhook:scheduled', events: ['grant.scheduled'] },
    ],
    slack: [{ id: 'slack:ops', events: null }],
  }

  it('default subscriptions get the notable events; explicit lists get exactly what they name', () => {
    const to = (type: string, e: Partial<AuditEvent> = {}) =>
      notificationsFor(event(type, e), context({ routing: endpoints })).map((d) => d.recipient)
    expect(to('request.approved')).toEqual(['webhook:all', 'slack:ops'])
    expect(to('grant.scheduled')).toEqual(['webhook:scheduled'])
    expect(to('grant.issuing')).toEqual([])
    expect(isNotifiable('grant.issuing', endpoints)).toBe(false)
    expect(isNotifiable('grant.scheduled', endpoints)).toBe(true)
  })

  it('webhook bodies follow { type, timestamp, data } with ids and links', () => {
    const [hook] = notificationsFor(
      event('request.approved', { actor: 'olivia' }),
      context({ routing: endpoints }),
    )
    expect(hook?.payload).toEqual({
      type: 'request.approved',
      timestamp: '2026-11-23T09:00:00.000Z',
      data: expect.objectContaining({
        eventId: 'evt_request.approved',
        actor: 'olivia',
        requestId: 'req_1',
        grantId: 'grt_1',
        entitlementId: 'orders-write',
        summary: 'Approved: your request for orders-write',
        links: {
          request: 'https://hourglass.example.com/v1/requests/req_1',
          grant: 'https://hourglass.example.com/v1/grants/grt_1',
        },
      }),
    })
  })

  it('escapes Slack mrkdwn control characters', () => {
    expect(slackEscape('<!channel> & <https://evil|click>')).toBe(
      '&lt;!channel&gt; &amp; &lt;https://evil|click&gt;',
    )
  })
})
