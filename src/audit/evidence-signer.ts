import { sign } from 'node:crypto'
import type { EvidenceSigner } from '../app/evidence-bundle.js'
import type { AuditSigningKey } from './audit-keys.js'
import type { AuditCheckpointer } from './checkpointer.js'

/** The checkpoint key signs inclusion statements too: an auditor needs to trust only one key. */
export function evidenceSigner(key: AuditSigningKey, checkpointer: AuditCheckpointer): EvidenceSigner {
  return {
    publicKeyPem: key.publicKeyPem,
    keyId: key.keyId,
    sign: (payload) => sign(null, Buffer.from(payload), key.privateKey).toString('base64url'),
    checkpointNow: () => checkpointer.maybeCheckpoint(true),
  }
}
