import { sign } from 'node:crypto';
/** The checkpoint key signs inclusion statements too: an auditor needs to trust only one key. */
export function evidenceSigner(key, checkpointer) {
    return {
        publicKeyPem: key.publicKeyPem,
        keyId: key.keyId,
        sign: (payload) => sign(null, Buffer.from(payload), key.privateKey).toString('base64url'),
        checkpointNow: () => checkpointer.maybeCheckpoint(true),
    };
}
