import { describe, expect, it } from 'vitest'
import { Secret } from '../../config/secret.js'
import { AppError } from '../../domain/errors.js'
import { entitlementIdOf } from '../../domain/ticket.js'
import { issueFormField, parseTicketPayload } from './ticket-payloads.js'
import { checkDeliverySignature, hubSignatureOf, isWithinWindow } from './ticket-signatures.js'

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
const settings = { secret: new Secret('0123456789abcdef'), entitlementField: 'customfield_1' }

describe('issueFormField', () => {
  const body = '### Entitlement\n\norders-read\n\n### Duration\n\n_No response_\n\n### Why\n\nbecause'
  it('reads an answer, and GitHub’s empty answer as null', () => {
    expect(issueFormField(body, 'Entitlement')).toBe('orders-read')
    expect(issueFormField(body, 'duration')).toBeNull()
    expect(issueFormField(body, 'Missing')).toBeNull()
    expect(issueFormField('### Entitlement\n\n### Duration\n\n1h', 'Entitlement')).toBeNull()
  })
})

describe('parseTicketPayload', () => {
  it('reads Jira select-list fields and the done category', () => {
    const created = parseTicketPayload('jira', settings, new Headers(), bytes({
      webhookEvent: 'jira:issue_created',
      timestamp: 1_700_000_000_123,
      issue: { key: 'ACC-1', fields: { summary: 's', reporter: { emailAddress: 'a@x' }, customfield_1: { value: 'orders-read' } } },
    }))
    expect(created).toMatchObject({ timestamp: 1_700_000_000, event: { action: 'open', entitlement: 'orders-read', requester: { email: 'a@x' } } })
    const updated = parseTicketPayload('jira', settings, new Headers(), bytes({
      webhookEvent: 'jira:issue_updated',
      timestamp: 1,
      issue: { key: 'ACC-1', fields: { status: { statusCategory: { key: 'indeterminate' } } } },
    }))
    expect(updated.event?.action).toBe('ignore')
  })

  it('ignores what is not about a ticket, and refuses what is not JSON or not the shape', () => {
    expect(parseTicketPayload('github', settings, new Headers({ 'x-github-event': 'push' }), bytes({})).event).toBeNull()
    expect(() => parseTicketPayload('generic', settings, new Headers(), new TextEncoder().encode('{'))).toThrow(AppError)
    expect(() => parseTicketPayload('servicenow', settings, new Headers(), bytes({ number: 'R1' }))).toThrow(/ServiceNow/)
  })

  it('treats a ServiceNow item that became inactive as closed, whatever the operation', () => {
    const event = parseTicketPayload('servicenow', settings, new Headers(), bytes({ number: 'RITM1', operation: 'update', active: 'false' })).event
    expect(event).toMatchObject({ action: 'close', ref: 'RITM1' })
  })
})

describe('entitlementIdOf', () => {
  it.each(['orders-read', ' orders-read '])('accepts the catalog id %j', (value) => {
    expect(entitlementIdOf({ entitlement: value, ref: 'T-1' })).toBe('orders-read')
  })
  it.each([null, '', 'Orders Read', 'give me prod', 'orders-read; drop table', 'ORDERS-READ'])('refuses %j', (value) => {
    expect(() => entitlementIdOf({ entitlement: value, ref: 'T-1' })).toThrow(expect.objectContaining({ code: 'ticket.entitlement_required' }))
  })
})

describe('checkDeliverySignature (hub style)', () => {
  const secret = new Secret('github-shared-secret-0123456789')
  const raw = bytes({ action: 'opened' })
  const headers = (signature: string, delivery: string | null = 'd-1') =>
    new Headers({ 'x-hub-signature-256': signature, ...(delivery === null ? {} : { 'x-github-delivery': delivery }) })

  it('accepts the HMAC of the raw body and nothing else', () => {
    const now = new Date()
    expect(checkDeliverySignature('github', secret, headers(hubSignatureOf(secret.reveal(), raw)), raw, now, 300)).toEqual({ ok: true, deliveryId: 'd-1' })
    const upper = hubSignatureOf(secret.reveal(), raw).toUpperCase().replace('SHA256=', 'sha256=')
    expect(checkDeliverySignature('github', secret, headers(upper), raw, now, 300).ok).toBe(true)
    const other = hubSignatureOf('another-secret-0123456789', raw)
    expect(checkDeliverySignature('github', secret, headers(other), raw, now, 300)).toMatchObject({ ok: false, detail: 'no-matching-signature' })
    expect(checkDeliverySignature('github', secret, headers('sha1=abc'), raw, now, 300)).toMatchObject({ ok: false, detail: 'malformed-header' })
    expect(checkDeliverySignature('github', secret, headers(hubSignatureOf(secret.reveal(), raw), null), raw, now, 300)).toMatchObject({ ok: false, detail: 'missing-delivery-id' })
    // Jira reads its own headers: a GitHub-style delivery is not a Jira one.
    expect(checkDeliverySignature('jira', secret, headers(hubSignatureOf(secret.reveal(), raw)), raw, now, 300).ok).toBe(false)
  })

  it('has a window that is inclusive at its edges', () => {
    const now = new Date(1_000_000 * 1000)
    expect(isWithinWindow(1_000_000 - 300, now, 300)).toBe(true)
    expect(isWithinWindow(1_000_000 - 301, now, 300)).toBe(false)
    expect(isWithinWindow(1_000_000 + 301, now, 300)).toBe(false)
  })
})
