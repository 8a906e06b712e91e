import { sshConfigSchema, sshParamsSchema } from './config.js';
import { createSshConnector } from './ssh-connector.js';
export { decodeKrl, encodeKrl, krlRevokesSerial } from './krl.js';
export { serialForGrant } from './certificate.js';
/**
 * OpenSSH user certificates signed by a CA this target holds. Revocation is immediate: revoking
 * rewrites an OpenSSH KRL that sshd reads (`RevokedKeys`) on every login. A host the KRL does
 * not reach accepts a revoked certificate until `valid_before`, hence the TTL ceiling.
 */
export const sshConnector = {
    kind: 'ssh',
    version: '1.0.0',
    revocation: 'immediate',
    configSchema: sshConfigSchema,
    paramsSchema: sshParamsSchema,
    create: createSshConnector,
};
/** For the host's CA-key and KRL routes, which get instances typed by the port. */
export function isSshConnectorInstance(instance) {
    return ('caPublicKey' in instance &&
        typeof instance.caPublicKey === 'function' &&
        'publishKrl' in instance &&
        typeof instance.publishKrl === 'function');
}
