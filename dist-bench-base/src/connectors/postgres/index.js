import { postgresConfigSchema, postgresParamsSchema, } from './config.js';
import { createPostgresConnector } from './postgres-connector.js';
export { grantIdFromRoleName, roleNameFor } from './role-names.js';
/**
 * A login role per grant (member of an existing target role, `VALID UNTIL` the grant's end), or
 * exclusive checkout of a legacy shared login. Revocation is immediate: it ends the sessions
 * and drops the role, or rotates the shared password and ends the account's sessions.
 */
export const postgresConnector = {
    kind: 'postgres',
    version: '1.0.0',
    revocation: 'immediate',
    configSchema: postgresConfigSchema,
    paramsSchema: postgresParamsSchema,
    create: (config, deps) => createPostgresConnector(config, deps),
};
