import type { Secret } from '../config/secret.js'
import type { Clock } from '../domain/ports.js'
import { signWebhook } from '../security/webhook-signature.js'
import { hostOf, postJson, type FetchLike } from './http-post.js'
import { DeliveryError, type NotificationSender } from './sender.js'

export interface WebhookEndpoint {
  /** Stable id the outbox names it by (see endpointId). */
  id: string
  url: string
  secret: Secret
}

/**
 * Standard Webhooks deliveries: the stored payload as JSON, signed with the endpoint's secret.
 * `webhook-id` is the outbox message id, the same on every retry, so receivers de-duplicate.
 */
export function createWebhookSender(
  endpoints: readonly WebhookEndpoint[],
  clock: Clock,
  send: FetchLike = (url, init) => fetch(url, init),
): NotificationSender {
  const byId = new Map(endpoints.map((e) => [e.id, e]))
  return {
    async send(message, signal) {
      const endpoint = byId.get(message.recipient)
      if (!endpoint) throw new DeliveryError(`webhook ${message.recipient} is no longer configured`)
      const body = JSON.stringify(message.payload)
      const headers = signWebhook(endpoint.secret, message.id, clock.now(), body)
      await postJson(send, endpoint.url, body, headers, `webhook ${hostOf(endpoint.url)}`, signal)
    },
  }
}
