import type { z } from 'zod'
import { isSecret } from '../config/secret.js'
import { AppError } from '../domain/errors.js'
import type { ConnectorDefinition, ConnectorDeps, ConnectorInstance } from './connector.js'
import { jwtConnector } from './jwt/index.js'
import { postgresConnector } from './postgres/index.js'
import { redisConnector } from './redis/index.js'
import { sshConnector } from './ssh/index.js'
import { webhookConnector } from './webhook/index.js'
import { redactSecrets } from './redact-secrets.js'

export const CONNECTOR_KINDS = ['jwt', 'postgres', 'redis', 'ssh', 'webhook'] as const
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number]

/**
 * Every connector kind, keyed by kind. The `satisfies` makes a kind without a definition (or a
 * definition filed under another kind) a compile error, while each entry keeps its own config,
 * params and instance types.
 */
export const CONNECTORS = {
  jwt: jwtConnector,
  postgres: postgresConnector,
  redis: redisConnector,
  ssh: sshConnector,
  webhook: webhookConnector,
} satisfies { [K in ConnectorKind]: ConnectorDefinition & { kind: K } }

/** The instance type a kind creates, with its kind-specific extras (e.g. the jwt `jwks`). */
export type ConnectorInstanceOf<K extends ConnectorKind> = ReturnType<
  (typeof CONNECTORS)[K]['create']
>

export function isConnectorKind(kind: string): kind is ConnectorKind {
  return (CONNECTOR_KINDS as readonly string[]).includes(kind)
}

/** @throws AppError('connector.unknown_kind') */
export function connectorDefinition<K extends ConnectorKind>(kind: K): (typeof CONNECTORS)[K]
export function connectorDefinition(kind: string): ConnectorDefinition
export function connectorDefinition(kind: string): ConnectorDefinition {
  if (!isConnectorKind(kind)) {
    throw new AppError('connector.unknown_kind', `Unknown connector kind "${kind.slice(0, 64)}"`, {
      details: { known: [...CONNECTOR_KINDS] },
    })
  }
  return CONNECTORS[kind]
}

/**
 * Validates a target's configuration for its kind.
 * @throws AppError('catalog.invalid') listing every zod issue; AppError('connector.unknown_kind')
 */
export function parseConnectorConfig(kind: string, rawConfig: unknown): unknown {
  return parseOrThrow(
    connectorDefinition(kind).configSchema,
    rawConfig,
    `${kind} target configuration`,
  )
}

/**
 * Validates a catalog entitlement's connector parameters for its target's kind. Params belong to
 * entitlements, not targets, so they are checked when the catalog changes, not when an instance
 * is created.
 * @throws AppError('catalog.invalid') listing every zod issue; AppError('connector.unknown_kind')
 */
export function parseConnectorParams(kind: string, rawParams: unknown): unknown {
  return parseOrThrow(
    connectorDefinition(kind).paramsSchema,
    rawParams,
    `${kind} entitlement params`,
  )
}

/**
 * Parses the target configuration and creates an instance wrapped in `redactSecrets`, so no
 * `Secret` field of the configuration (or credential the instance issues) can leak through an
 * error. The only way the host should obtain an instance.
 *
 * @example
 * const instance = createConnector(target.kind, target.config, { now, newId, state })
 * const issued = await instance.issue(spec, { signal: AbortSignal.timeout(10_000) })
 */
export function createConnector<K extends ConnectorKind>(
  kind: K,
  rawConfig: unknown,
  deps: ConnectorDeps,
): ConnectorInstanceOf<K>
export function createConnector(
  kind: string,
  rawConfig: unknown,
  deps: ConnectorDeps,
): ConnectorInstance
export function createConnector(
  kind: string,
  rawConfig: unknown,
  deps: ConnectorDeps,
): ConnectorInstance {
  const definition = connectorDefinition(kind)
  const config = parseOrThrow(definition.configSchema, rawConfig, `${kind} target configuration`)
  const secrets = secretValues(config, 0)
  return redactSecrets(definition.create(config, deps), () => secrets)
}

function parseOrThrow<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  // Path and message only: an issue's input may be a secret.
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')
  throw new AppError('catalog.invalid', `Invalid ${what}: ${summary}`, { details: { issues } })
}

/** Bounded depth: a configuration is a small tree, and a cycle must not hang creation. */
function secretValues(value: unknown, depth: number): string[] {
  if (isSecret(value)) return [value.reveal()]
  if (depth > 8 || typeof value !== 'object' || value === null) return []
  const children: unknown[] = Array.isArray(value) ? value : Object.values(value)
  return children.flatMap((child) => secretValues(child, depth + 1))
}
