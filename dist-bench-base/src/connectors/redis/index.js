import { redisConfigSchema, redisParamsSchema, } from './config.js';
import { createRedisConnector } from './redis-connector.js';
export { grantIdFromUserName, userNameFor } from './acl-names.js';
/**
 * A per-grant ACL user with a generated password, key patterns and command categories. Revoke
 * deletes the user and closes its connections, so revocation is immediate; Redis users have no
 * expiry of their own, so they last exactly as long as Hourglass keeps them (threats I3).
 */
export const redisConnector = {
    kind: 'redis',
    version: '1.0.0',
    revocation: 'immediate',
    configSchema: redisConfigSchema,
    paramsSchema: redisParamsSchema,
    create: (config, deps) => createRedisConnector(config, deps),
};
