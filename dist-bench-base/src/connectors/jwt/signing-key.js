import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import { z } from 'zod';
import { ConnectorError } from '../connector.js';
const SIGNING_KEY = 'signing-key';
const storedKey = z.object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().min(1),
    d: z.string().min(1),
});
/**
 * Returns this target's Ed25519 signing key, creating it on first use. `putIfAbsent` makes two
 * processes that race on first use agree on one key: the loser adopts the winner's.
 *
 * Errors here never carry a cause: the state value and its parse or import errors may contain
 * the private key, and the redacting decorator does not know it.
 */
export async function loadSigningKey(state) {
    const stored = (await state.get(SIGNING_KEY)) ?? (await createKey(state));
    const jwk = parseStoredKey(stored);
    const publicFields = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
    try {
        const kid = await calculateJwkThumbprint(publicFields, 'sha256');
        const privateKey = await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA');
        const publicKey = await importJWK({ ...publicFields, alg: 'EdDSA' }, 'EdDSA');
        if (!isCryptoKey(privateKey) || !isCryptoKey(publicKey))
            throw new Error('not an asymmetric key');
        return {
            kid,
            privateKey,
            publicKey,
            publicJwk: { ...publicFields, kid, alg: 'EdDSA', use: 'sig' },
        };
    }
    catch {
        throw malformed();
    }
}
async function createKey(state) {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const { kty, crv, x, d } = await exportJWK(privateKey);
    try {
        return await state.putIfAbsent(SIGNING_KEY, JSON.stringify({ kty, crv, x, d }));
    }
    catch (error) {
        const kind = error instanceof Error ? error.name : typeof error;
        throw new ConnectorError('unreachable', `the connector state store failed to keep the signing key (${kind})`, {
            retryable: true,
        });
    }
}
function parseStoredKey(stored) {
    try {
        const parsed = storedKey.safeParse(JSON.parse(stored));
        if (parsed.success)
            return parsed.data;
    }
    catch {
        // fall through: a JSON syntax error quotes the stored text
    }
    throw malformed();
}
function malformed() {
    return new ConnectorError('conflict', 'the stored jwt signing key is malformed; restore or remove it', {
        retryable: false,
    });
}
function isCryptoKey(key) {
    return !(key instanceof Uint8Array);
}
