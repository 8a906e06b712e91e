import { ConnectorError } from '../connector.js';
import { encodeKrl, krlRevokesSerial, } from './krl.js';
import { readKrlFile, writeFileAtomically } from './krl-file.js';
const MAX_PUBLISH_ROUNDS = 5;
/**
 * Writes the KRL from the revoked set in state. The KRL version is the revoked set's version,
 * so every process writes the same version for the same content. Publishes within a process
 * are serialised; across processes sharing one file, a publisher that finds the set changed
 * while it wrote publishes again, so the last writer always holds the newest set.
 */
export class KrlPublisher {
    #options;
    #queue = Promise.resolve();
    constructor(options) {
        this.#options = options;
    }
    publish() {
        const run = this.#queue.then(() => this.#publishUntilStable());
        this.#queue = run.catch(() => undefined);
        return run;
    }
    /** Resolves once no publish is in flight (for close). */
    async settled() {
        await this.#queue;
    }
    /**
     * Whether the published file revokes `serial` under `caBlob`: what a host will enforce, as
     * opposed to what state says. A missing or unreadable file revokes nothing.
     */
    async isPublished(caBlob, serial) {
        const krl = await this.readPublished();
        return krl !== null && krlRevokesSerial(krl, caBlob, serial);
    }
    /** The published KRL, or null when there is none or it cannot be read. */
    async readPublished() {
        return readKrlFile(this.#options.krlPath).catch(() => null);
    }
    async #publishUntilStable() {
        const { ledger, krlPath } = this.#options;
        for (let round = 0; round < MAX_PUBLISH_ROUNDS; round++) {
            const { version, value } = await ledger.revoked();
            const data = encodeKrl(await this.#krlInput(version, value));
            try {
                await writeFileAtomically(krlPath, data);
            }
            catch (error) {
                const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
                throw new ConnectorError('unreachable', `could not publish the KRL at ${krlPath} (${code})`, {
                    retryable: true,
                    cause: error,
                });
            }
            if ((await ledger.revoked()).version === version)
                return;
        }
        throw new ConnectorError('conflict', 'the revoked set kept changing while the KRL was written', {
            retryable: true,
        });
    }
    async #krlInput(version, revoked) {
        const now = this.#options.nowSeconds();
        const ca = await this.#options.caKey();
        const current = ca.publicBlob.toString('base64');
        const byCa = new Map([[current, []]]);
        for (const [serial, entry] of Object.entries(revoked)) {
            // Past keepUntil no certificate with this serial is valid anywhere: the list can shrink.
            if (entry.keepUntil <= now)
                continue;
            byCa.set(entry.ca, [...(byCa.get(entry.ca) ?? []), BigInt(serial)]);
        }
        const otherCas = [...byCa]
            .filter(([blob]) => blob !== current)
            .map(([blob, serials]) => ({ caPublicKeyBlob: Buffer.from(blob, 'base64'), serials }));
        return {
            caPublicKeyBlob: ca.publicBlob,
            serials: byCa.get(current) ?? [],
            otherCas,
            version: BigInt(version),
            generatedAt: new Date(now * 1000),
            comment: this.#options.comment,
        };
    }
}
