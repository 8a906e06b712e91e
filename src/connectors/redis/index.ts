import type { ConnectorDefinition, ConnectorDeps } from '../connector.js'
import {
  redisConfigSchema,
  redisParamsSchema,
  type RedisConfig,
  type RedisParams,
} from './config.js'
import { createRedisConnector, type RedisConnectorInstance } from './redis-connector.js'

export type { RedisConfig, RedisParams } from './config.js'
export type { RedisConnectorInstance, RedisHandle } from './redis-connector.js'
export { grantIdFromUserName, userNameFor } from './acl-names.js'

/**
 * A per-grant ACL user with a generated password, key patterns and command categories. Revoke
 * deletes the user and closes its connections, so revocation is immediate; Redis users have no
 * expiry of their own, so they last exactly as long as Hourglass keeps them (threats I3).
 */
export const redisConnector = {
  kind: 'redis' as const,
  version: '1.0.0',
  revocation: 'immediate',
  configSchema: redisConfigSchema,
  paramsSchema: redisParamsSchema,
  create: (config: RedisConfig, deps: ConnectorDeps): RedisConnectorInstance =>
    createRedisConnector(config, deps),
} satisfies ConnectorDefinition<RedisConfig, RedisParams>
