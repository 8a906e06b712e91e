import { isSecret } from '../config/secret.js';
import { AppError } from '../domain/errors.js';
import { jwtConnector } from './jwt/index.js';
import { postgresConnector } from './postgres/index.js';
import { redisConnector } from './redis/index.js';
import { sshConnector } from './ssh/index.js';
import { webhookConnector } from './webhook/index.js';
import { redactSecrets } from './redact-secrets.js';
export const CONNECTOR_KINDS = ['jwt', 'postgres', 'redis', 'ssh', 'webhook'];
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
};
export function isConnectorKind(kind) {
    return CONNECTOR_KINDS.includes(kind);
}
export function connectorDefinition(kind) {
    if (!isConnectorKind(kind)) {
        throw new AppError('connector.unknown_kind', `Unknown connector kind "${kind.slice(0, 64)}"`, {
            details: { known: [...CONNECTOR_KINDS] },
        });
    }
    return CONNECTORS[kind];
}
/**
 * Validates a target's configuration for its kind.
 * @throws AppError('catalog.invalid') listing every zod issue; AppError('connector.unknown_kind')
 */
export function parseConnectorConfig(kind, rawConfig) {
    return parseOrThrow(connectorDefinition(kind).configSchema, rawConfig, `${kind} target configuration`);
}
/**
 * Validates a catalog entitlement's connector parameters for its target's kind. Params belong to
 * entitlements, not targets, so they are checked when the catalog changes, not when an instance
 * is created.
 * @throws AppError('catalog.invalid') listing every zod issue; AppError('connector.unknown_kind')
 */
export function parseConnectorParams(kind, rawParams) {
    return parseOrThrow(connectorDefinition(kind).paramsSchema, rawParams, `${kind} entitlement params`);
}
export function createConnector(kind, rawConfig, deps) {
    const definition = connectorDefinition(kind);
    const config = parseOrThrow(definition.configSchema, rawConfig, `${kind} target configuration`);
    const secrets = secretValues(config, 0);
    return redactSecrets(definition.create(config, deps), () => secrets);
}
function parseOrThrow(schema, raw, what) {
    const parsed = schema.safeParse(raw);
    if (parsed.success)
        return parsed.data;
    // Path and message only: an issue's input may be a secret.
    const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
    }));
    const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('catalog.invalid', `Invalid ${what}: ${summary}`, { details: { issues } });
}
/** Bounded depth: a configuration is a small tree, and a cycle must not hang creation. */
function secretValues(value, depth) {
    if (isSecret(value))
        return [value.reveal()];
    if (depth > 8 || typeof value !== 'object' || value === null)
        return [];
    const children = Array.isArray(value) ? value : Object.values(value);
    return children.flatMap((child) => secretValues(child, depth + 1));
}
