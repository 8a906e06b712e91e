import { z } from 'zod';
import { Secret } from '../../config/secret.js';
import { isWebhookSecret } from '../../security/webhook-signature.js';
export const ENTITLEMENT_PATTERN = /^[A-Za-z0-9:._-]{1,128}$/;
/** A letter first keeps `__proto__` and friends out of the objects built from these keys. */
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
export const MAX_ATTRIBUTES = 16;
const MAX_ATTRIBUTE_STRING = 256;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ATTEMPTS = 3;
/**
 * Plain http would expose the signed deliveries and the credentials in the answers to anyone on
 * the path, so it is allowed only where there is no path: the loopback interface.
 */
function isLoopback(hostname) {
    return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
const endpointUrl = z
    .url({ protocol: /^https?$/, error: 'url must be an http(s) URL' })
    .max(2048)
    .superRefine((value, ctx) => {
    // zod runs this even when the url check above failed.
    if (!URL.canParse(value))
        return;
    const url = new URL(value);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
        ctx.addIssue({
            code: 'custom',
            message: 'http is allowed only for loopback hosts; use https',
        });
    }
    // Credentials in a URL are not a `Secret`, so they would reach logs and errors.
    if (url.username !== '' || url.password !== '') {
        ctx.addIssue({ code: 'custom', message: 'url must not carry credentials; use secret' });
    }
    if (url.hash !== '')
        ctx.addIssue({ code: 'custom', message: 'url must not have a fragment' });
});
export const webhookConfigSchema = z.strictObject({
    /** The provisioning endpoint every delivery is POSTed to. */
    url: endpointUrl,
    /** HMAC key for the Standard Webhooks signature: `whsec_<base64>`, or a string of ≥ 16 bytes. */
    secret: z
        .string()
        .max(1024)
        .refine(isWebhookSecret, 'secret must be whsec_<base64> or at least 16 bytes')
        .transform((value) => new Secret(value)),
    /** Per HTTP attempt, including reading the answer. */
    timeoutMs: z.number().int().min(100).max(120_000).default(DEFAULT_TIMEOUT_MS),
    /** Attempts within one operation; the host's lifecycle engine retries further, later. */
    maxAttempts: z.number().int().min(1).max(10).default(DEFAULT_MAX_ATTEMPTS),
});
const attributeValue = z.union([
    z
        .string()
        .max(MAX_ATTRIBUTE_STRING)
        .regex(/^[^\p{Cc}]*$/u, 'attribute strings must not contain control characters'),
    z.number(),
    z.boolean(),
]);
/**
 * Keys are checked on the raw input: zod's record drops a `__proto__` key without a word, and an
 * entitlement that silently loses an attribute is worse than one that is refused.
 */
const attributes = z
    .unknown()
    .superRefine((raw, ctx) => {
    if (typeof raw !== 'object' || raw === null)
        return;
    const keys = Object.keys(raw);
    if (keys.length > MAX_ATTRIBUTES) {
        ctx.addIssue({ code: 'custom', message: `at most ${MAX_ATTRIBUTES} attributes` });
    }
    if (!keys.every((key) => ATTRIBUTE_KEY_PATTERN.test(key))) {
        ctx.addIssue({
            code: 'custom',
            message: 'attribute keys must match [A-Za-z][A-Za-z0-9_.-]{0,63}',
        });
    }
})
    .pipe(z.record(z.string(), attributeValue));
/**
 * What a catalog entitlement asks the endpoint for. Strict and small: the endpoint decides what
 * the names mean, so nothing here may be free-form enough to smuggle instructions through.
 */
export const webhookParamsSchema = z.strictObject({
    entitlement: z
        .string()
        .regex(ENTITLEMENT_PATTERN, 'entitlement must match [A-Za-z0-9:._-]{1,128}'),
    attributes: attributes.optional(),
});
