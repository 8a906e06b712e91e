import { z } from 'zod'
import { Secret } from './secret.js'

const secret = z
  .string()
  .min(1)
  .transform((v) => new Secret(v))

const retry = (maxAttempts: number, baseMs: number, capMs: number) =>
  z
    .object({
      maxAttempts: z.number().int().min(1).max(100).default(maxAttempts),
      baseMs: z.number().int().min(1).default(baseMs),
      capMs: z.number().int().min(1).default(capMs),
    })
    .prefault({})

/** The one configuration object. Parsed once in main/ and passed down frozen. */
export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('.hourglass'),
    /** postgres://… for PostgreSQL; unset means embedded SQLite in dataDir. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    listen: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(7300),
      })
      .prefault({}),
    /** Base URL clients use to reach this server (token issuer, JWKS links). */
    publicUrl: z.url().optional(),
    policyDir: z.string().min(1),
    catalogFile: z.string().min(1),
    adminGroup: z.string().min(1).default('hourglass-admins'),
    oidc: z
      .object({
        issuer: z.url(),
        audience: z.string().min(1),
        jwksUri: z.url().optional(),
      })
      .optional(),
    /** 32-byte key (base64) that seals credentials and connector secrets at rest. */
    dataKey: secret,
    auditSigningKeyFile: z.string().min(1),
    checkpoint: z
      .object({
        file: z.string().min(1).optional(),
        everyEvents: z.number().int().min(1).default(100),
        everySeconds: z.number().int().min(1).default(60),
      })
      .prefault({}),
    lifecycle: z
      .object({
        reviewTtlSeconds: z.number().int().min(60).default(86_400),
        issue: retry(5, 1_000, 60_000),
        revoke: retry(8, 1_000, 60_000),
        leaseMs: z.number().int().min(100).default(30_000),
        irrevocableRetryMs: z.number().int().min(1_000).default(3_600_000),
        connectorTimeoutMs: z.number().int().min(100).default(15_000),
        sweepIntervalMs: z.number().int().min(50).default(5_000),
        timerHorizonMs: z.number().int().min(1_000).default(600_000),
        /** Scheduled reconciliation of every target; 0 turns it off. */
        reconcileIntervalMs: z.number().int().min(0).default(300_000),
      })
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
  })
  .strict()

export type Config = Readonly<z.output<typeof configSchema>>
export type ConfigInput = z.input<typeof configSchema>
