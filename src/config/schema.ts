import { z } from 'zod'
import { Secret } from './secret.js'
import { notificationsSchema } from './notifications-schema.js'
import { siemSchema } from './siem-schema.js'
import { isWebhookSecret } from '../security/webhook-signature.js'

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

/** HMAC keys for inbound webhooks: at least 16 bytes; Standard Webhooks `whsec_…` keys are decoded. */
const webhookSecret = z
  .string()
  .min(16, 'must be at least 16 characters')
  .refine((v) => isWebhookSecret(v), 'must be whsec_<base64> or at least 16 bytes')
  .transform((v) => new Secret(v))
const identityId = z.string().regex(/^[a-z0-9][a-z0-9._@-]{0,127}$/, 'is not an identity id')

/** The one configuration object. Parsed once in main/ and passed down frozen. */
export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('.hourglass'),
    /** postgres://… for PostgreSQL; unset means embedded SQLite in dataDir. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    /**
     * PostgreSQL: the store's fixed statements are prepared once per connection (named); off for a
     * pooler that cannot keep them, such as PgBouncer in transaction mode before 1.21.
     */
    databasePreparedStatements: z.boolean().default(true),
    /**
     * PostgreSQL: connections this process keeps open at most. A submission holds one across its
     * two Cedar decisions, so concurrent submissions beyond it wait for a connection.
     */
    databasePoolSize: z.number().int().min(1).max(1000).default(10),
    listen: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(7300),
      })
      .prefault({}),
    /**
     * `serve`'s processes: 1 serves HTTP and runs the engine in one process; N > 1 (or `auto`, one
     * per available core) forks N HTTP workers behind a primary that runs the engine (docs/operations.md).
     */
    server: z
      .object({ workers: z.union([z.number().int().min(1).max(64), z.literal('auto')]).default(1) })
      .strict()
      .prefault({}),
    /** Base URL clients use to reach this server (token issuer, JWKS links). */
    publicUrl: z.url().optional(),
    policyDir: z.string().min(1),
    /**
     * Decide on a worker thread of the policy engine's own, beside the event loop (on: Cedar's
     * time leaves the thread serving HTTP and the database); off: on the event loop itself.
     */
    policyThread: z.boolean().default(true),
    catalogFile: z.string().min(1),
    adminGroup: z.string().min(1).default('hourglass-admins'),
    oidc: z
      .object({
        issuer: z.url(),
        audience: z.string().min(1),
        jwksUri: z.url().optional(),
        /** The web UI's public client at the issuer: enables "Sign in with SSO" (code + PKCE). */
        webClientId: z.string().min(1).max(200).optional(),
        webScopes: z.string().min(1).max(500).default('openid'),
      })
      .optional(),
    /** 32-byte key (base64) that seals credentials and connector secrets at rest. */
    dataKey: secret,
    auditSigningKeyFile: z.string().min(1),
    /** `/metrics` stays unauthenticated unless a token is set; scrapers then send it as a bearer. */
    metrics: z
      .object({ token: z.string().min(16, 'must be at least 16 characters').transform((v) => new Secret(v)).optional() })
      .strict()
      .prefault({}),
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
        /**
         * How long past its token's exp a revocation record is kept, for nodes and resource
         * servers whose clocks run behind; then it is pruned (the token's exp refuses it alone).
         */
        revocationRecordRetentionSeconds: z.number().int().min(60).default(3_600),
      })
      // A lease that ends before the connector call can time out lets this process's next sweep
      // take over its own slow issuance and revoke it as cancelled: refuse that configuration.
      .refine((l) => l.leaseMs > l.connectorTimeoutMs, {
        message: 'leaseMs must be greater than connectorTimeoutMs',
        path: ['leaseMs'],
      })
      .prefault({}),
    /** Break-glass, extensions, exceptions and context changes (docs/governance.md). */
    governance: z
      .object({
        breakGlass: z
          .object({
            reviewWithinSeconds: z.number().int().min(60).default(86_400),
            maxUsesPerDay: z.number().int().min(1).default(3),
            blockWhileOverdue: z.boolean().default(true),
            securityGroup: z.string().min(1).default('security'),
          })
          .prefault({}),
        extensionCapFactor: z.number().min(1).max(10).default(2),
        cooldownAfterDenialSeconds: z.number().int().min(0).default(900),
        exceptions: z
          .object({
            maxRenewals: z.number().int().min(0).default(2),
            maxShare: z.number().min(0).max(1).default(0.5),
            minGrants: z.number().int().min(1).default(4),
            windowSeconds: z.number().int().min(86_400).default(30 * 86_400),
          })
          .prefault({}),
        orphanedNhiGrants: z.enum(['revoke', 'hold']).default('revoke'),
      })
      .prefault({}),
    /** SCIM 2.0 provisioning of people and groups (docs/integrations.md). */
    scim: z
      .object({
        /** Only API tokens of members of this group may call /scim/v2. */
        provisionerGroup: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/).default('scim-provisioners'),
        /** Link provisioned people to `oidc.issuer` accounts by this SCIM attribute (the token's `sub`). */
        oidcSubjectFrom: z.enum(['externalId', 'userName']).optional(),
      })
      .strict()
      .prefault({}),
    /** Inbound ticket webhooks; a source is enabled by giving it a secret (docs/integrations.md). */
    tickets: z
      .object({
        /** Replay window: how far a delivery's timestamp may be from now, either way. */
        toleranceSeconds: z.number().int().min(1).max(300).default(300),
        generic: z.object({ secret: webhookSecret }).strict().optional(),
        servicenow: z.object({ secret: webhookSecret }).strict().optional(),
        jira: z
          .object({
            secret: webhookSecret,
            /** The issue field naming the catalog entitlement, e.g. `customfield_10100`. */
            entitlementField: z.string().regex(/^[A-Za-z0-9_]{1,64}$/).optional(),
            durationField: z.string().regex(/^[A-Za-z0-9_]{1,64}$/).optional(),
          })
          .strict()
          .optional(),
        github: z
          .object({
            secret: webhookSecret,
            /** GitHub login → identity id: logins are mapped explicitly, never by name. */
            users: z.record(z.string().regex(/^[A-Za-z0-9-]{1,39}$/), identityId).default({}),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /** Workload token exchange: platform OIDC issuers trusted for pipelines (docs/integrations.md). */
    workloadIdentity: z
      .object({
        /** Platform tokens living longer than this (exp − iat) are refused. */
        maxTokenLifetimeSeconds: z.number().int().min(60).max(86_400).default(3600),
        issuers: z
          .array(
            z
              .object({
                issuer: z.url(),
                audience: z.string().min(1),
                jwksUri: z.url().optional(),
                /** Claims that must have exactly these values, e.g. `{ "repository_owner": "acme" }`. */
                requiredClaims: z.record(z.string(), z.string()).default({}),
                claimMapping: z.union([
                  z.object({ workloadId: z.string().min(1).max(300) }).strict(),
                  z
                    .object({ key: z.string().min(1).max(300), workloads: z.record(z.string(), identityId) })
                    .strict(),
                ]),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .prefault({}),
    notifications: notificationsSchema,
    /** Audit streaming to SIEMs (docs/siem.md). */
    siem: siemSchema,
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
  })
  .strict()

export type Config = Readonly<z.output<typeof configSchema>>
export type ConfigInput = z.input<typeof configSchema>
