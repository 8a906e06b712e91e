import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isWebhookSecret } from '../security/webhook-signature.js';
import { Secret } from './secret.js';
/**
 * A sink secret, given inline or, better, by reference as target secrets are
 * (`{ "fromEnv": "NAME" }`, `{ "fromFile": "/path" }`): read once at start, never echoed.
 */
const sinkSecret = z
    .union([
    z.string(),
    z.object({ fromEnv: z.string().min(1) }).strict(),
    z.object({ fromFile: z.string().min(1) }).strict(),
])
    .transform((ref, ctx) => {
    const value = readSecret(ref);
    if (value === null) {
        ctx.addIssue({ code: 'custom', message: describeMissing(ref) });
        return z.NEVER;
    }
    if (!isWebhookSecret(value)) {
        ctx.addIssue({ code: 'custom', message: 'must be whsec_<base64> or at least 16 bytes' });
        return z.NEVER;
    }
    return new Secret(value);
});
const sink = z
    .object({
    /** Names the cursor in the database: renaming a sink starts it again from the beginning. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, _ or -'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    secret: sinkSecret,
    format: z.enum(['jsonl', 'ocsf']).default('jsonl'),
    /** Events per delivery. */
    batchSize: z.number().int().min(1).max(5000).default(500),
})
    .strict();
/** Audit streaming to SIEMs over signed webhooks (docs/siem.md). */
export const siemSchema = z
    .object({
    sinks: z
        .array(sink)
        .default([])
        .refine((sinks) => new Set(sinks.map((s) => s.name)).size === sinks.length, 'sink names must be unique'),
    /** Backoff after a failed delivery: full jitter over min(capMs, baseMs × 2^(failures − 1)). */
    baseMs: z.number().int().min(1).default(1_000),
    capMs: z.number().int().min(1).default(300_000),
    /** Timeout for one delivery; a streamer's lease on a sink lasts three times this. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
})
    .strict()
    .prefault({});
function readSecret(ref) {
    if (typeof ref === 'string')
        return ref;
    if ('fromEnv' in ref)
        return process.env[ref.fromEnv] || null;
    try {
        return readFileSync(ref.fromFile, 'utf8').trim() || null;
    }
    catch {
        return null;
    }
}
function describeMissing(ref) {
    if (typeof ref === 'string')
        return 'must not be empty';
    return 'fromEnv' in ref
        ? `environment variable ${ref.fromEnv} is not set`
        : `file ${ref.fromFile} is missing or empty`;
}
