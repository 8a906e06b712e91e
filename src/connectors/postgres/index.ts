import type { ConnectorDefinition } from '../connector.js'
import {
  postgresConfigSchema,
  postgresParamsSchema,
  type PostgresConfig,
  type PostgresParams,
} from './config.js'
import { createPostgresConnector } from './postgres-connector.js'

export type { CheckoutParams, PostgresConfig, PostgresParams, RoleParams } from './config.js'
export type { CheckoutHandle, RoleHandle } from './handles.js'
export type { PgClient } from './pg-client.js'
export type { PostgresConnectorInstance } from './postgres-connector.js'
export { grantIdFromRoleName, roleNameFor } from './role-names.js'

/**
 * A login role per grant (member of an existing target role, `VALID UNTIL` the grant's end), or
 * exclusive checkout of a legacy shared login. Revocation is immediate: it ends the sessions
 * and drops the role, or rotates the shared password and ends the account's sessions.
 */
export const postgresConnector = {
  kind: 'postgres' as const,
  version: '1.0.0',
  revocation: 'immediate',
  configSchema: postgresConfigSchema,
  paramsSchema: postgresParamsSchema,
  create: (config: PostgresConfig, deps) => createPostgresConnector(config, deps),
} satisfies ConnectorDefinition<PostgresConfig, PostgresParams>
