import { signWebhook } from '../security/webhook-signature.js';
import { hostOf, postJson } from './http-post.js';
import { DeliveryError } from './sender.js';
/**
 * Standard Webhooks deliveries: the stored payload as JSON, signed with the endpoint's secret.
 * `webhook-id` is the outbox message id, the same on every retry, so receivers de-duplicate.
 */
export function createWebhookSender(endpoints, clock, send = (url, init) => fetch(url, init)) {
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    return {
        async send(message, signal) {
            const endpoint = byId.get(message.recipient);
            if (!endpoint)
                throw new DeliveryError(`webhook ${message.recipient} is no longer configured`);
            const body = JSON.stringify(message.payload);
            const headers = signWebhook(endpoint.secret, message.id, clock.now(), body);
            await postJson(send, endpoint.url, body, headers, `webhook ${hostOf(endpoint.url)}`, signal);
        },
    };
}
