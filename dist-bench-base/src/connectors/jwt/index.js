import { jwtConfigSchema, jwtParamsSchema } from './config.js';
import { createJwtConnector } from './jwt-connector.js';
/**
 * Short-lived EdDSA access tokens. Revocation is immediate for verifiers that introspect; one
 * that only checks the signature accepts a revoked token until `exp`, hence the TTL ceiling.
 */
export const jwtConnector = {
    kind: 'jwt',
    version: '1.0.0',
    revocation: 'immediate',
    configSchema: jwtConfigSchema,
    paramsSchema: jwtParamsSchema,
    create: createJwtConnector,
};
/** For the host's JWKS and introspection routes, which get instances typed by the port. */
export function isJwtConnectorInstance(instance) {
    return ('jwks' in instance &&
        typeof instance.jwks === 'function' &&
        'introspect' in instance &&
        typeof instance.introspect === 'function');
}
