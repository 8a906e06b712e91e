import { createHmac, timingSafeEqual } from 'node:crypto';
import { verifyWebhook } from '../../security/webhook-signature.js';
const DELIVERY_ID = /^[\x21-\x7e]{1,256}$/;
const HEX_SHA256 = /^sha256=([0-9a-fA-F]{64})$/;
export function checkDeliverySignature(source, secret, headers, raw, now, toleranceSeconds) {
    switch (source) {
        case 'generic':
        case 'servicenow':
            return standardWebhook(secret, headers, raw, now, toleranceSeconds);
        case 'github':
            return hubSignature(secret, raw, headers.get('x-hub-signature-256'), headers.get('x-github-delivery'));
        case 'jira':
            return hubSignature(secret, raw, headers.get('x-hub-signature'), headers.get('x-atlassian-webhook-identifier'));
    }
}
/** Whether a timestamp (Unix seconds) is within the window around now, either way (T19). */
export function isWithinWindow(timestamp, now, toleranceSeconds) {
    return Math.abs(Math.floor(now.getTime() / 1000) - timestamp) <= toleranceSeconds;
}
function standardWebhook(secret, headers, raw, now, toleranceSeconds) {
    const result = verifyWebhook(secret, headers, raw, now, toleranceSeconds);
    if (result.valid)
        return { ok: true, deliveryId: result.id, timestamp: result.timestamp };
    const deliveryId = headers.get('webhook-id') ?? undefined;
    const stale = result.reason === 'timestamp-too-old' || result.reason === 'timestamp-too-new';
    return {
        ok: false,
        code: stale ? 'ticket.stale' : 'ticket.signature_invalid',
        detail: result.reason,
        ...(deliveryId !== undefined && DELIVERY_ID.test(deliveryId) ? { deliveryId } : {}),
    };
}
function hubSignature(secret, raw, signature, deliveryId) {
    const id = deliveryId !== null && DELIVERY_ID.test(deliveryId) ? deliveryId : undefined;
    const fail = (detail) => ({
        ok: false,
        code: 'ticket.signature_invalid',
        detail,
        ...(id === undefined ? {} : { deliveryId: id }),
    });
    const match = signature === null ? null : HEX_SHA256.exec(signature.trim());
    if (match?.[1] === undefined)
        return fail(signature === null ? 'missing-header' : 'malformed-header');
    if (id === undefined)
        return fail('missing-delivery-id');
    const expected = createHmac('sha256', secret.reveal()).update(raw).digest();
    // Both are 32 bytes: the comparison takes the same time whatever the first wrong byte.
    if (!timingSafeEqual(Buffer.from(match[1], 'hex'), expected))
        return fail('no-matching-signature');
    return { ok: true, deliveryId: id };
}
/** For tests and senders: the `sha256=<hex>` header value GitHub and Jira send. */
export function hubSignatureOf(secret, body) {
    return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
