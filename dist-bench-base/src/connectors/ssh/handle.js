import { z } from 'zod';
import { ConnectorError } from '../connector.js';
import { serialForGrant } from './certificate.js';
const SERIAL_TEXT = /^(?:[1-9][0-9]{0,19}|0x[0-9a-fA-F]{1,16})$/;
const issuedHandle = z.object({
    serial: z.string().regex(SERIAL_TEXT),
    keyId: z.string(),
    validBefore: z.number().int(),
    caFingerprint: z.string(),
});
/** What a revoke gets when issuance crashed before its handle was stored. */
const intentHandle = z.object({ grantId: z.string().min(1) });
export function parseHandle(handle) {
    const issued = issuedHandle.safeParse(handle);
    if (issued.success) {
        const { serial, validBefore, caFingerprint } = issued.data;
        return { serial: parseSerial(serial), validBefore, caFingerprint };
    }
    const intent = intentHandle.safeParse(handle);
    if (intent.success) {
        return { serial: serialForGrant(intent.data.grantId), validBefore: null, caFingerprint: null };
    }
    throw new ConnectorError('rejected', 'not an ssh connector handle', { retryable: false });
}
export function parseSerial(text) {
    const serial = BigInt(text);
    if (serial <= 0n || serial >= 1n << 64n) {
        throw new ConnectorError('rejected', 'the certificate serial is out of range', {
            retryable: false,
        });
    }
    return serial;
}
