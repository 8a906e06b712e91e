import type { Secret } from '../config/secret.js'
import { hostOf, postJson, type FetchLike } from './http-post.js'
import { DeliveryError, type NotificationSender } from './sender.js'

export interface SlackEndpoint {
  /** Stable id the outbox names it by (see endpointId). */
  id: string
  /** An incoming-webhook URL is itself the credential: whoever has it may post. */
  url: Secret
}

/** Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat): `POST { text }`. */
export function createSlackSender(
  endpoints: readonly SlackEndpoint[],
  send: FetchLike = (url, init) => fetch(url, init),
): NotificationSender {
  const byId = new Map(endpoints.map((e) => [e.id, e]))
  return {
    async send(message, signal) {
      const endpoint = byId.get(message.recipient)
      if (!endpoint) throw new DeliveryError(`slack ${message.recipient} is no longer configured`)
      const text = message.payload.text
      if (typeof text !== 'string')
        throw new DeliveryError('slack message has no text', { permanent: true })
      const url = endpoint.url.reveal()
      await postJson(
        send,
        url,
        JSON.stringify({ text }),
        {},
        `slack endpoint ${hostOf(url)}`,
        signal,
      )
    },
  }
}
