import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Secret } from '../../config/secret.js'
import type { TicketSource } from '../../domain/ticket.js'
import { verifyWebhook } from '../../security/webhook-signature.js'

/**
 * Signature schemes of the ticket sources, checked over the raw body as received (T18):
 * - generic, servicenow: Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 *   `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`); the timestamp is signed.
 * - github: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of body>`, id `X-GitHub-Delivery`;
 *   the timestamp comes from the signed payload.
 * - jira: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of body>`, id `X-Atlassian-Webhook-Identifier`;
 *   the timestamp comes from the signed payload.
 */
export type DeliveryCheck =
  | { ok: true; deliveryId: string; /** Unix seconds, when the headers carry a signed one. */ timestamp?: number }
  | { ok: false; code: 'ticket.signature_invalid' | 'ticket.stale'; detail: string; deliveryId?: string }

const DELIVERY_ID = /^[\x21-\x7e]{1,256}$/
const HEX_SHA256 = /^sha256=([0-9a-fA-F]{64})$/

export function checkDeliverySignature(
  source: TicketSource,
  secret: Secret,
  headers: Headers,
  raw: Uint8Array,
  now: Date,
  toleranceSeconds: number,
): DeliveryCheck {
  switch (source) {
    case 'generic':
    case 'servicenow':
      return standardWebhook(secret, headers, raw, now, toleranceSeconds)
    case 'github':
      return hubSignature(secret, raw, headers.get('x-hub-signature-256'), headers.get('x-github-delivery'))
    case 'jira':
      return hubSignature(
        secret,
        raw,
        headers.get('x-hub-signature'),
        headers.get('x-atlassian-webhook-identifier'),
      )
  }
}

/** Whether a timestamp (Unix seconds) is within the window around now, either way (T19). */
export function isWithinWindow(timestamp: number, now: Date, toleranceSeconds: number): boolean {
  return Math.abs(Math.floor(now.getTime() / 1000) - timestamp) <= toleranceSeconds
}

function standardWebhook(
  secret: Secret,
  headers: Headers,
  raw: Uint8Array,
  now: Date,
  toleranceSeconds: number,
): DeliveryCheck {
  const result = verifyWebhook(secret, headers, raw, now, toleranceSeconds)
  if (result.valid) return { ok: true, deliveryId: result.id, timestamp: result.timestamp }
  const deliveryId = headers.get('webhook-id') ?? undefined
  const stale = result.reason === 'timestamp-too-old' || result.reason === 'timestamp-too-new'
  return {
    ok: false,
    code: stale ? 'ticket.stale' : 'ticket.signature_invalid',
    detail: result.reason,
    ...(deliveryId !== undefined && DELIVERY_ID.test(deliveryId) ? { deliveryId } : {}),
  }
}

function hubSignature(
  secret: Secret,
  raw: Uint8Array,
  signature: string | null,
  deliveryId: string | null,
): DeliveryCheck {
  const id = deliveryId !== null && DELIVERY_ID.test(deliveryId) ? deliveryId : undefined
  const fail = (detail: string): DeliveryCheck => ({
    ok: false,
    code: 'ticket.signature_invalid',
    detail,
    ...(id === undefined ? {} : { deliveryId: id }),
  })
  const match = signature === null ? null : HEX_SHA256.exec(signature.trim())
  if (match?.[1] === undefined) return fail(signature === null ? 'missing-header' : 'malformed-header')
  if (id === undefined) return fail('missing-delivery-id')
  const expected = createHmac('sha256', secret.reveal()).update(raw).digest()
  // Both are 32 bytes: the comparison takes the same time whatever the first wrong byte.
  if (!timingSafeEqual(Buffer.from(match[1], 'hex'), expected)) return fail('no-matching-signature')
  return { ok: true, deliveryId: id }
}

/** For tests and senders: the `sha256=<hex>` header value GitHub and Jira send. */
export function hubSignatureOf(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}
