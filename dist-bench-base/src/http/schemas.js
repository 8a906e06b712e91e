import { z } from 'zod';
import { REVOCATION_CONDITIONS } from '../domain/access-request.js';
import { parseDuration } from '../domain/duration.js';
import { AppError } from '../domain/errors.js';
import { VERDICTS } from '../domain/review.js';
// Control characters (C0 except tab and newline, DEL, C1) and bidi overrides have no place in
// free text that reviewers read and auditors export (T39: log and display injection).
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
export function freeText(min, max) {
    return z
        .string()
        .transform((s) => s.normalize('NFC').trim())
        .pipe(z
        .string()
        .min(min, `must be at least ${min} characters`)
        .max(max, `must be at most ${max} characters`)
        .refine((s) => !UNSAFE_TEXT.test(s), 'must not contain control characters'));
}
export const idParam = z.string().regex(/^[a-z0-9][a-z0-9._@-]{0,127}$/, 'is not a valid id');
export const durationInput = z.union([z.string().max(32), z.number()]).transform((v, ctx) => {
    try {
        return parseDuration(v);
    }
    catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof AppError ? error.message : 'invalid duration' });
        return z.NEVER;
    }
});
export const submitRequestBody = z
    .object({
    entitlementId: idParam,
    subjectId: idParam.optional(),
    justification: freeText(10, 2000),
    ticketRef: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._#:/-]{0,127}$/, 'must be a ticket key like OPS-123')
        .optional(),
    duration: durationInput.optional(),
    revocationCondition: z.enum(REVOCATION_CONDITIONS).optional(),
})
    .strict();
export const reviewBody = z
    .object({
    verdict: z.enum(VERDICTS),
    comment: freeText(0, 2000).default(''),
    digest: z.string().regex(/^[a-f0-9]{64}$/).optional(),
})
    .strict();
export const listQuery = z.object({
    scope: z.enum(['mine', 'review', 'all']).default('mine'),
    state: z.string().max(32).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
});
// Audit actors are identity ids or `system:<worker>` / `admin:<id>`, hence the colon.
const auditActor = z.string().regex(/^[a-z0-9][a-z0-9._@:-]{0,199}$/, 'is not a valid actor');
export const auditQuery = z
    .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
    requestId: idParam.optional(),
    grantId: idParam.optional(),
    actor: auditActor.optional(),
    // Inclusive from, exclusive to, so adjacent windows never count an event twice.
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
})
    .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: 'from must be before to',
    path: ['from'],
});
export const createIdentityBody = z
    .object({
    id: idParam,
    kind: z.enum(['human', 'workload', 'service_account']),
    displayName: freeText(1, 200),
    email: z.email().max(254).optional(),
    groups: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)).max(100).default([]),
    ownerId: idParam.optional(),
    purpose: freeText(3, 500).optional(),
    oidcIssuer: z.url().max(500).optional(),
    oidcSubject: z.string().min(1).max(255).optional(),
})
    .strict();
export const createTokenBody = z
    .object({
    identityId: idParam,
    name: freeText(1, 100),
    expiresIn: durationInput.optional(),
})
    .strict();
export const introspectBody = z.object({
    token: z.string().min(1).max(8192),
    token_type_hint: z.string().max(64).optional(),
});
