import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isSecret } from '../config/secret.js';
/**
 * Standard Webhooks signatures (`webhook-id`, `webhook-timestamp`, `webhook-signature`): an
 * HMAC-SHA256 over `<id>.<timestamp>.<raw body>`, sent as `v1,<base64>`. Used for every webhook
 * Hourglass sends and for the ones it receives (T18 forgery, T19 replay).
 */
/** The window the Standard Webhooks libraries enforce, in both directions (T19). */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** 128 bits: an HMAC key shorter than the security level it is meant to give is a weak link. */
export const MIN_KEY_BYTES = 16;
const SECRET_PREFIX = 'whsec_';
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A SHA-256 digest in padded base64 is always 44 characters. */
const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;
/**
 * No `.`: the id is the first field of the signed content, so an id containing the delimiter
 * could be re-split into a different id, timestamp and body with the same signature.
 */
const DELIVERY_ID = /^[\x21-\x2d\x2f-\x7e]{1,256}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;
/** Bounds the work one request can cause: a rotation needs two or three, not hundreds. */
const MAX_SIGNATURES = 16;
const MAX_SIGNATURE_HEADER = 4096;
/**
 * The HMAC key a secret stands for.
 * @throws TypeError when the secret is malformed or shorter than MIN_KEY_BYTES; the message never
 * quotes it.
 */
export function webhookKey(secret) {
    const key = keyOf(secret);
    if (key === null) {
        throw new TypeError(`webhook secret must be whsec_<base64> or a string of at least ${MIN_KEY_BYTES} bytes`);
    }
    return key;
}
/** Whether `secret` is usable as a webhook secret, for configuration schemas. */
export function isWebhookSecret(secret) {
    return keyOf(secret) !== null;
}
/** A new `whsec_` secret with a 32-byte key, for endpoints Hourglass sends webhooks to. */
export function generateWebhookSecret() {
    return SECRET_PREFIX + randomBytes(32).toString('base64');
}
/**
 * The three headers for one delivery attempt. Send `body` byte for byte as signed.
 *
 * @example
 * const headers = signWebhook(secret, 'msg_2b9x', new Date(), JSON.stringify(event))
 * @throws TypeError for a malformed secret, an id outside printable ASCII or containing `.`, or
 * a timestamp that is not whole non-negative seconds
 */
export function signWebhook(secret, id, timestamp, body) {
    if (!DELIVERY_ID.test(id)) {
        throw new TypeError('webhook id must be 1-256 printable ASCII characters without "."');
    }
    const seconds = typeof timestamp === 'number' ? timestamp : Math.floor(timestamp.getTime() / 1000);
    if (!Number.isSafeInteger(seconds) || seconds < 0) {
        throw new TypeError('webhook timestamp must be whole, non-negative Unix seconds');
    }
    const digest = hmac(webhookKey(secret), id, String(seconds), body);
    return {
        'webhook-id': id,
        'webhook-timestamp': String(seconds),
        'webhook-signature': `v1,${digest.toString('base64')}`,
    };
}
/**
 * Checks a delivery against the raw body as received, never a re-serialised one (T18). Accepts
 * any of several space-separated signatures and any of several secrets, for rotation. The
 * timestamp must be within `toleranceSeconds` of `now` either way (T19); de-duplicating by the
 * returned id, for at least that long, is the caller's part.
 *
 * @example
 * const result = verifyWebhook(secret, req.headers, rawBody)
 * if (!result.valid) return reply(401, result.reason)
 * @throws TypeError when a secret is malformed: that is the receiver's fault, not the sender's
 */
export function verifyWebhook(secret, headers, rawBody, now = new Date(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS) {
    const keys = (Array.isArray(secret) ? secret : [secret]).map(webhookKey);
    if (keys.length === 0)
        throw new TypeError('verifyWebhook needs at least one secret');
    const id = headerValue(headers, 'webhook-id');
    const timestamp = headerValue(headers, 'webhook-timestamp');
    const signatures = headerValue(headers, 'webhook-signature');
    if (id === undefined || timestamp === undefined || signatures === undefined) {
        return { valid: false, reason: 'missing-header' };
    }
    if (id === null || timestamp === null || signatures === null) {
        return { valid: false, reason: 'malformed-header' };
    }
    if (!DELIVERY_ID.test(id) || !TIMESTAMP.test(timestamp)) {
        return { valid: false, reason: 'malformed-header' };
    }
    const candidates = signatures.split(' ').filter((part) => part !== '');
    if (signatures.length > MAX_SIGNATURE_HEADER || candidates.length > MAX_SIGNATURES) {
        return { valid: false, reason: 'malformed-header' };
    }
    const sentAt = Number(timestamp);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (nowSeconds - sentAt > toleranceSeconds)
        return { valid: false, reason: 'timestamp-too-old' };
    if (sentAt - nowSeconds > toleranceSeconds)
        return { valid: false, reason: 'timestamp-too-new' };
    const expected = keys.map((key) => hmac(key, id, timestamp, rawBody));
    let matched = false;
    for (const candidate of candidates) {
        const comma = candidate.indexOf(',');
        // Other schemes (v1a is asymmetric) are skipped, so a sender can add them alongside v1.
        if (candidate.slice(0, comma) !== 'v1')
            continue;
        const encoded = candidate.slice(comma + 1);
        if (!V1_SIGNATURE.test(encoded))
            continue;
        const received = Buffer.from(encoded, 'base64');
        // Every pair is compared, so timing says nothing about which signature or secret matched.
        for (const digest of expected)
            matched = timingSafeEqual(received, digest) || matched;
    }
    return matched
        ? { valid: true, id, timestamp: sentAt }
        : { valid: false, reason: 'no-matching-signature' };
}
function hmac(key, id, timestamp, body) {
    return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}
function keyOf(secret) {
    const value = isSecret(secret) ? secret.reveal() : secret;
    let key;
    if (typeof value !== 'string')
        key = Buffer.from(value);
    else if (!value.startsWith(SECRET_PREFIX))
        key = Buffer.from(value, 'utf8');
    else {
        const encoded = value.slice(SECRET_PREFIX.length);
        // Buffer's decoder skips junk silently; a typo in a secret must fail, not shorten the key.
        if (!CANONICAL_BASE64.test(encoded))
            return null;
        key = Buffer.from(encoded, 'base64');
    }
    return key.length >= MIN_KEY_BYTES ? key : null;
}
/** `undefined` when absent, `null` when repeated: a header sent twice is ambiguous, not merged. */
function headerValue(headers, name) {
    if (headers instanceof Headers)
        return headers.get(name) ?? undefined;
    let found;
    for (const [key, value] of Object.entries(headers)) {
        if (key.toLowerCase() !== name || value === undefined)
            continue;
        const single = typeof value === 'string' ? value : value.length === 1 ? value[0] : undefined;
        found = found === undefined && single !== undefined ? single : null;
    }
    return found;
}
