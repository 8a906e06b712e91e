import { DeliveryError, networkReason } from './sender.js';
/**
 * POSTs a JSON body and requires a 2xx answer. Redirects are not followed: a signed delivery
 * goes only where it was configured to go. Errors name `label` (a host), never the URL, whose
 * path may be a credential (Slack incoming webhooks).
 */
export async function postJson(send, url, body, headers, label, signal) {
    let response;
    try {
        response = await send(url, {
            method: 'POST',
            headers: {
                'content-type': 'application/json',
                'user-agent': 'hourglass-notifications/1',
                ...headers,
            },
            body,
            redirect: 'manual',
            signal,
        });
    }
    catch (error) {
        throw new DeliveryError(`${label} ${networkReason(error, signal)}`, { cause: error });
    }
    // The answer's body is not needed; releasing it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status > 299) {
        throw new DeliveryError(`${label} answered HTTP ${response.status}`);
    }
}
/** `host[:port]` of a URL, for messages that must not quote the rest of it. */
export function hostOf(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return 'an invalid URL';
    }
}
