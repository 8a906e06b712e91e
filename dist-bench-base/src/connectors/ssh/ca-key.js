import { generateKeyPairSync } from 'node:crypto';
import sshpk from 'sshpk';
import { ConnectorError } from '../connector.js';
export const DEFAULT_CA_KEY_ID = 'default';
/** Public halves of every CA this target has used, so a revoke after a rotation finds its CA. */
export function caPublicStateKey(fingerprint) {
    return `ca-public:${fingerprint}`;
}
/**
 * The CA from the configuration, or the one generated on first use and kept in the target's
 * state (which the host seals at rest). `putIfAbsent` makes processes that race on first use
 * agree on one key: the loser adopts the winner's.
 *
 * Errors here never carry a cause: the stored text and its parse errors may contain the
 * private key, and the redacting decorator only knows configured secrets.
 */
export async function loadCaKey(source, state) {
    const id = source.caKeyId ?? DEFAULT_CA_KEY_ID;
    const text = source.caPrivateKey?.reveal() ??
        (await guard(() => state.get(privateStateKey(id)))) ??
        (await guard(() => state.putIfAbsent(privateStateKey(id), generateCaText(id))));
    const privateKey = parseEd25519(text);
    if (privateKey === null) {
        throw new ConnectorError('conflict', source.caPrivateKey === undefined
            ? 'the stored ssh CA key is malformed; restore or remove it'
            : 'caPrivateKey is not an unencrypted Ed25519 private key', { retryable: false });
    }
    const publicKey = privateKey.toPublic();
    publicKey.comment = `hourglass-ca:${id}`;
    const ca = {
        privateKey,
        publicBlob: publicKey.toBuffer('rfc4253'),
        fingerprint: publicKey.fingerprint('sha256').toString(),
        publicLine: publicKey.toString('ssh'),
    };
    const blob = ca.publicBlob.toString('base64');
    await guard(() => state.putIfAbsent(caPublicStateKey(ca.fingerprint), blob));
    return ca;
}
/** For the configuration schema: it must refuse a bad key without ever quoting it. */
export function isUsableCaPrivateKey(text) {
    return parseEd25519(text) !== null;
}
function parseEd25519(text) {
    try {
        const key = sshpk.parsePrivateKey(text, 'auto');
        return key.type === 'ed25519' ? key : null;
    }
    catch {
        return null;
    }
}
function generateCaText(id) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const key = sshpk.parsePrivateKey(pem, 'pem');
    key.comment = `hourglass-ca:${id}`;
    return key.toString('openssh');
}
function privateStateKey(id) {
    return `ca-key:${id}`;
}
async function guard(operation) {
    try {
        return await operation();
    }
    catch (error) {
        const kind = error instanceof Error ? error.name : typeof error;
        throw new ConnectorError('unreachable', `the connector state store failed (${kind})`, {
            retryable: true,
        });
    }
}
