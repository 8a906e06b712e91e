import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
/** Key id: first 16 hex of sha256 over the SPKI DER, so a verifier can pick the right key. */
export function auditKeyId(publicKey) {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('hex').slice(0, 16);
}
export function loadAuditSigningKey(file) {
    const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
    const publicKey = createPublicKey(privateKey);
    return {
        privateKey,
        publicKey,
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        keyId: auditKeyId(publicKey),
    };
}
/** Creates the Ed25519 checkpoint key (mode 0600) unless one exists. */
export function ensureAuditSigningKey(file) {
    if (existsSync(file))
        return;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}
