import type { ConnectorDefinition, ConnectorInstance } from '../connector.js'
import { sshConfigSchema, sshParamsSchema, type SshConfig, type SshParams } from './config.js'
import { createSshConnector, type SshConnectorInstance } from './ssh-connector.js'

export type { SshConfig, SshParams } from './config.js'
export type { SshConnectorInstance, SshHandle } from './ssh-connector.js'
export { decodeKrl, encodeKrl, krlRevokesSerial } from './krl.js'
export type { DecodedKrl, KrlInput } from './krl.js'
export { serialForGrant } from './certificate.js'

/**
 * OpenSSH user certificates signed by a CA this target holds. Revocation is immediate: revoking
 * rewrites an OpenSSH KRL that sshd reads (`RevokedKeys`) on every login. A host the KRL does
 * not reach accepts a revoked certificate until `valid_before`, hence the TTL ceiling.
 */
export const sshConnector = {
  kind: 'ssh' as const,
  version: '1.0.0',
  revocation: 'immediate',
  configSchema: sshConfigSchema,
  paramsSchema: sshParamsSchema,
  create: createSshConnector,
} satisfies ConnectorDefinition<SshConfig, SshParams>

/** For the host's CA-key and KRL routes, which get instances typed by the port. */
export function isSshConnectorInstance(
  instance: ConnectorInstance,
): instance is SshConnectorInstance {
  return (
    'caPublicKey' in instance &&
    typeof instance.caPublicKey === 'function' &&
    'publishKrl' in instance &&
    typeof instance.publishKrl === 'function'
  )
}
