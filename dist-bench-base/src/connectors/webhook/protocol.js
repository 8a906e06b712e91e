import { z } from 'zod';
/**
 * The wire format between the webhook connector and a provisioning endpoint. It is a public
 * contract (docs/connectors/webhook.md): change it only by adding optional fields.
 */
export const DELIVERY_TYPES = [
    'grant.issue',
    'grant.revoke',
    'grant.inspect',
    'access.list',
    'access.remove',
];
/** Answers are small JSON documents; anything bigger is a misbehaving endpoint. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
/** The endpoint's handle is stored with the grant, in clear, for the grant's whole life. */
export const MAX_ENDPOINT_HANDLE_BYTES = 4096;
/** A shorter credential would also make "is it inside the handle?" meaningless. */
export const MIN_CREDENTIAL_LENGTH = 8;
/** Grant ids and target names are host-made; printable ASCII bounds what a forged handle can carry. */
const reference = z.string().regex(/^[\x21-\x7e]{1,256}$/);
const endpointHandle = z
    .record(z.string(), z.json())
    .refine((handle) => JSON.stringify(handle).length <= MAX_ENDPOINT_HANDLE_BYTES, {
    message: `handle must serialise to at most ${MAX_ENDPOINT_HANDLE_BYTES} bytes`,
});
/** The handle the connector returns from issue and the host stores with the grant. */
export const storedHandleSchema = z.strictObject({
    grantId: reference,
    targetName: reference,
    endpoint: endpointHandle,
});
/** The port's IntentHandle: issuance may or may not have reached the endpoint. */
export const intentHandleSchema = z.object({
    grantId: reference,
    targetName: reference,
    intent: z.literal(true),
});
export const issueResponseSchema = z.object({
    handle: endpointHandle,
    credential: z.string().min(MIN_CREDENTIAL_LENGTH).max(16_384).optional(),
    instructions: z.string().max(4096).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export const inspectResponseSchema = z.object({ live: z.boolean() });
export const targetAccessSchema = z.object({
    key: z.string().min(1).max(512),
    principal: z.string().min(1).max(256),
    grantId: reference.nullable(),
    privileges: z.array(z.string().min(1).max(256)).max(256),
});
export const listResponseSchema = z.object({
    entries: z.array(targetAccessSchema).max(100_000),
});
/**
 * Parses an answer body. `__proto__` keys are dropped: the parsed value is copied into new
 * objects by the schemas, and such a key would set the copy's prototype instead of a field.
 * @returns undefined for an empty body
 * @throws SyntaxError or TypeError for invalid UTF-8 or JSON
 */
export function parseAnswer(bytes) {
    if (bytes.byteLength === 0)
        return undefined;
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return JSON.parse(text, (key, value) => (key === '__proto__' ? undefined : value));
}
/**
 * Paths and zod's own messages only: an issue's input may be a credential. Keys inside the
 * endpoint's handle are its own choice, so only names our schemas could have are shown.
 */
export function describeIssues(error, limit = 5) {
    const segment = (key) => typeof key === 'number' || (typeof key === 'string' && /^[A-Za-z]{1,32}$/.test(key))
        ? String(key)
        : '*';
    return error.issues
        .slice(0, limit)
        .map((issue) => `${issue.path.map(segment).join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
}
