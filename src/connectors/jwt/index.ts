import type { ConnectorDefinition, ConnectorInstance } from '../connector.js'
import { jwtConfigSchema, jwtParamsSchema, type JwtConfig, type JwtParams } from './config.js'
import { createJwtConnector, type JwtConnectorInstance } from './jwt-connector.js'

export type { JwtConfig, JwtParams } from './config.js'
export type {
  ActiveTokenIntrospection,
  IntrospectionResponse,
  JwtConnectorInstance,
  PublicJwk,
} from './jwt-connector.js'

/**
 * Short-lived EdDSA access tokens. Revocation is immediate for verifiers that introspect; one
 * that only checks the signature accepts a revoked token until `exp`, hence the TTL ceiling.
 */
export const jwtConnector = {
  kind: 'jwt' as const,
  version: '1.0.0',
  revocation: 'immediate',
  configSchema: jwtConfigSchema,
  paramsSchema: jwtParamsSchema,
  create: createJwtConnector,
} satisfies ConnectorDefinition<JwtConfig, JwtParams>

/** For the host's JWKS and introspection routes, which get instances typed by the port. */
export function isJwtConnectorInstance(
  instance: ConnectorInstance,
): instance is JwtConnectorInstance {
  return (
    'jwks' in instance &&
    typeof instance.jwks === 'function' &&
    'introspect' in instance &&
    typeof instance.introspect === 'function'
  )
}
