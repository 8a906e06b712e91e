import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { Secret } from '../../config/secret.js';
import { isUsableCaPrivateKey } from './ca-key.js';
import { isSourceAddress } from './cidr.js';
/**
 * A login name as sshd compares it with the certificate's principals. No wildcard, comma, space
 * or newline can pass, so a principal can never widen into several or into "any" (T16).
 */
export const PRINCIPAL_PATTERN = /^[a-z_][a-z0-9_.-]{0,31}$/;
export const CA_KEY_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/**
 * A certificate stays valid at every host that misses a KRL update until `valid_before`, so the
 * longest lifetime a target may configure is bounded.
 */
export const MAX_TTL_CEILING_SECONDS = 86_400;
export const DEFAULT_MAX_TTL_SECONDS = 3600;
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
const MAX_PRINCIPALS = 16;
const MAX_SOURCE_ADDRESSES = 16;
export const sshConfigSchema = z.strictObject({
    /** Where the KRL is published; sshd's `RevokedKeys` points here (or at a copy of it). */
    krlPath: z
        .string()
        .max(1024)
        .refine((p) => isAbsolute(p), 'krlPath must be an absolute path')
        .refine((p) => !/\p{Cc}/u.test(p), 'krlPath must not contain control characters'),
    /** Names the CA key this target generates and keeps in its state; a new id means a new CA. */
    caKeyId: z
        .string()
        .regex(CA_KEY_ID_PATTERN, 'caKeyId must match [a-z0-9][a-z0-9._-]{0,63}')
        .optional(),
    /** An operator-held CA key instead of a generated one: unencrypted Ed25519, OpenSSH or PEM. */
    caPrivateKey: z
        .string()
        .min(1)
        .refine(isUsableCaPrivateKey, 'caPrivateKey must be an unencrypted Ed25519 private key')
        .transform((v) => new Secret(v))
        .optional(),
    maxTtlSeconds: z
        .number()
        .int()
        .min(60)
        .max(MAX_TTL_CEILING_SECONDS)
        .default(DEFAULT_MAX_TTL_SECONDS),
    /** How far `valid_after` is backdated, for hosts whose clocks run behind ours. */
    clockSkewSeconds: z.number().int().min(0).max(600).default(DEFAULT_CLOCK_SKEW_SECONDS),
});
const principal = z
    .string()
    .regex(PRINCIPAL_PATTERN, 'principal must match ^[a-z_][a-z0-9_.-]{0,31}$');
/**
 * What a catalog entitlement grants. Strict, and every option maps to one fixed critical option
 * or extension, so nothing else can be injected into a certificate (T16).
 */
export const sshParamsSchema = z.strictObject({
    principals: z
        .array(principal)
        .min(1)
        .max(MAX_PRINCIPALS)
        .refine((list) => new Set(list).size === list.length, 'principals must not repeat'),
    /** Becomes the `source-address` critical option: the certificate works only from these. */
    sourceAddress: z
        .array(z.string().refine(isSourceAddress, 'sourceAddress entries must be addresses or CIDRs'))
        .min(1)
        .max(MAX_SOURCE_ADDRESSES)
        .optional(),
    /** Becomes the `force-command` critical option. */
    forceCommand: z
        .string()
        .min(1)
        .max(256)
        .regex(/^[\x20-\x7e]+$/, 'forceCommand must be printable ASCII on one line')
        .optional(),
    permitPty: z.boolean().default(true),
    permitPortForwarding: z.boolean().default(false),
    permitAgentForwarding: z.boolean().default(false),
});
