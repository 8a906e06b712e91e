import { hostOf, postJson } from './http-post.js';
import { DeliveryError } from './sender.js';
/** Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat): `POST { text }`. */
export function createSlackSender(endpoints, send = (url, init) => fetch(url, init)) {
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    return {
        async send(message, signal) {
            const endpoint = byId.get(message.recipient);
            if (!endpoint)
                throw new DeliveryError(`slack ${message.recipient} is no longer configured`);
            const text = message.payload.text;
            if (typeof text !== 'string')
                throw new DeliveryError('slack message has no text', { permanent: true });
            const url = endpoint.url.reveal();
            await postJson(send, url, JSON.stringify({ text }), {}, `slack endpoint ${hostOf(url)}`, signal);
        },
    };
}
