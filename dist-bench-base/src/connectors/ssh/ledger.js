import { z } from 'zod';
import { StateChain } from './state-chain.js';
const issuedCertificate = z.object({
    grantId: z.string(),
    principals: z.array(z.string()),
    /** Epoch seconds; the latest `valid_before` of any certificate signed for this serial. */
    validBefore: z.number().int(),
    /** Fingerprint of the signing CA. */
    ca: z.string(),
});
const revokedSerial = z.object({
    /** Base64 SSH wire encoding of the CA that signed it: a KRL section names its CA. */
    ca: z.string(),
    /** Epoch seconds after which no certificate with this serial can still be valid. */
    keepUntil: z.number().int(),
    revokedAt: z.number().int(),
});
/** Keyed by decimal serial. */
const issuedIndex = z.record(z.string(), issuedCertificate);
const revokedSet = z.record(z.string(), revokedSerial);
/**
 * What this target remembers: certificates it signed (for `list`) and serials it revoked (the
 * source of the KRL). Both drop entries once nothing they describe can still be valid, so they
 * stay as small as the set of live certificates.
 */
export class SshLedger {
    #issued;
    #revoked;
    constructor(state) {
        this.#issued = new StateChain(state, 'issued', issuedIndex, {});
        this.#revoked = new StateChain(state, 'revoked', revokedSet, {});
    }
    async recordIssued(serial, entry, nowSeconds) {
        const key = serial.toString();
        await this.#issued.update((index) => {
            const earlier = index[key];
            const validBefore = Math.max(entry.validBefore, earlier?.validBefore ?? 0);
            if (earlier !== undefined && earlier.validBefore === validBefore)
                return null;
            const next = live(index, (e) => e.validBefore > nowSeconds);
            next[key] = { ...entry, validBefore };
            return next;
        });
    }
    async issued() {
        return (await this.#issued.read()).value;
    }
    /** Idempotent: a serial already revoked keeps its first record. */
    async recordRevoked(serial, entry, nowSeconds) {
        const key = serial.toString();
        return this.#revoked.update((set) => {
            if (set[key] !== undefined)
                return null;
            const next = live(set, (e) => e.keepUntil > nowSeconds);
            next[key] = entry;
            return next;
        });
    }
    revoked() {
        return this.#revoked.read();
    }
}
function live(record, keep) {
    return Object.fromEntries(Object.entries(record).filter(([, entry]) => keep(entry)));
}
