import { z } from 'zod';
/** OAuth scope tokens we mint: lower-case, no spaces (space is the `scope` claim's separator). */
export const SCOPE_PATTERN = /^[a-z0-9:._-]{1,64}$/;
const MAX_SCOPES = 32;
/**
 * A signed token stays valid at a verifier that skips introspection until `exp`, so the longest
 * lifetime a target may configure is bounded.
 */
export const MAX_TTL_CEILING_SECONDS = 86_400;
export const DEFAULT_MAX_TTL_SECONDS = 3600;
const scopes = z.array(z.string().regex(SCOPE_PATTERN, 'scope must match [a-z0-9:._-]{1,64}'));
// Printable ASCII without spaces: an audience is a resource identifier, not prose.
const audience = z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\x21-\x7e]+$/, 'audience must be printable ASCII without spaces');
export const jwtConfigSchema = z.strictObject({
    /** `iss` of every token, pinned by introspection and by resource servers. */
    issuer: z.url({ protocol: /^https?$/ }),
    /** `aud` when the entitlement does not name one. */
    audience,
    /** Scopes every token from this target carries, in addition to the entitlement's. */
    defaultScopes: scopes.max(MAX_SCOPES).optional(),
    maxTtlSeconds: z
        .number()
        .int()
        .min(1)
        .max(MAX_TTL_CEILING_SECONDS)
        .default(DEFAULT_MAX_TTL_SECONDS),
});
/** What a catalog entitlement grants; strict, so an entitlement cannot smuggle in other claims. */
export const jwtParamsSchema = z.strictObject({
    scopes: scopes.min(1).max(MAX_SCOPES),
    audience: audience.optional(),
});
