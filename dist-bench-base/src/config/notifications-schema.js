import { z } from 'zod';
import { AUDIT_EVENT_TYPES } from '../domain/audit-event.js';
import { isWebhookSecret } from '../security/webhook-signature.js';
import { Secret } from './secret.js';
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
/** Audit event types; a typo fails at start rather than silently never matching. */
const events = z.array(z.enum(AUDIT_EVENT_TYPES)).min(1);
/** Outbound notifications from the outbox (docs/notifications.md). */
export const notificationsSchema = z
    .object({
    /** Standard Webhooks endpoints: signed JSON for every listed event (default: the notable ones). */
    webhooks: z
        .array(z
        .object({
        url: httpUrl,
        secret: z
            .string()
            .refine((v) => isWebhookSecret(v), 'must be whsec_<base64> or at least 16 bytes')
            .transform((v) => new Secret(v)),
        events: events.optional(),
    })
        .strict())
        .default([]),
    /** Slack-compatible incoming webhooks. The URL is a credential, so it is held as a Secret. */
    slack: z
        .array(z
        .object({ url: httpUrl.transform((v) => new Secret(v)), events: events.optional() })
        .strict())
        .default([]),
    /** Email to people (reviewers, requesters, owners, admins) over SMTP; no STARTTLS yet. */
    smtp: z
        .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(25),
        from: z.email(),
        username: z.string().min(1).optional(),
        password: z
            .string()
            .min(1)
            .transform((v) => new Secret(v))
            .optional(),
        /** The name given in EHLO; the host name by default. */
        clientName: z
            .string()
            .regex(/^[A-Za-z0-9.-]{1,253}$/)
            .optional(),
    })
        .strict()
        .refine((s) => (s.username === undefined) === (s.password === undefined), {
        message: 'username and password go together',
    })
        .optional(),
    /** Attempts per message before it is dead-lettered. */
    maxAttempts: z.number().int().min(1).max(100).default(8),
    /** Backoff: full jitter over min(capMs, baseMs × 2^(attempt − 1)). */
    baseMs: z.number().int().min(1).default(1_000),
    capMs: z.number().int().min(1).default(300_000),
    /** Timeout for one delivery attempt. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
})
    .strict()
    .prefault({});
