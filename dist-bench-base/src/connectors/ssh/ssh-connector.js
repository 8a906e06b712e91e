import { Secret } from '../../config/secret.js';
import { ConnectorError, } from '../connector.js';
import { caPublicStateKey, DEFAULT_CA_KEY_ID, loadCaKey } from './ca-key.js';
import { isValidKeyId, serialForGrant, signUserCertificate } from './certificate.js';
import { sshParamsSchema } from './config.js';
import { instructionsFor } from './instructions.js';
import { krlRevokesSerial } from './krl.js';
import { KrlPublisher } from './krl-publisher.js';
import { probeWritable } from './krl-file.js';
import { SshLedger } from './ledger.js';
import { parseHandle, parseSerial } from './handle.js';
import { checkAborted } from '../abort.js';
export function createSshConnector(config, deps) {
    const { state } = deps;
    const ledger = new SshLedger(state);
    const nowSeconds = () => Math.floor(deps.now().getTime() / 1000);
    let caLoad;
    const caKey = () => {
        caLoad ??= loadCaKey(config, state).catch((error) => {
            caLoad = undefined;
            throw error;
        });
        return caLoad;
    };
    const publisher = new KrlPublisher({
        krlPath: config.krlPath,
        ledger,
        caKey,
        nowSeconds,
        comment: `hourglass ssh CA ${config.caKeyId ?? DEFAULT_CA_KEY_ID}`,
    });
    // A fresh machine gets the current KRL at once; a failure here is retried by every revoke.
    void publisher.publish().catch(() => undefined);
    /** The CA public key a serial was signed under, so its KRL entry names the right CA. */
    const caBlobFor = async (ref) => {
        const fingerprint = ref.caFingerprint ?? (await ledger.issued())[ref.serial.toString()]?.ca;
        if (fingerprint !== undefined) {
            const stored = await guardState(() => state.get(caPublicStateKey(fingerprint)));
            if (stored !== null)
                return Buffer.from(stored, 'base64');
        }
        return (await caKey()).publicBlob;
    };
    const revokeRef = async (ref) => {
        const now = nowSeconds();
        // Covers every certificate this serial may carry, including one an issue racing with this
        // revoke signs: all are capped at issue time + maxTtl. Skew covers hosts whose clocks lag.
        const keepUntil = Math.max(ref.validBefore ?? 0, now + config.maxTtlSeconds) + config.clockSkewSeconds;
        const ca = (await caBlobFor(ref)).toString('base64');
        await ledger.recordRevoked(ref.serial, { ca, keepUntil, revokedAt: now }, now);
        await publisher.publish();
    };
    return {
        async issue(grant, { signal }) {
            checkAborted(signal);
            const params = parseParams(grant.params);
            if (!isValidKeyId(grant.grantId)) {
                throw new ConnectorError('rejected', 'the grant id cannot be a certificate key id', {
                    retryable: false,
                });
            }
            const now = nowSeconds();
            // Never outlive the grant: valid_before rounds down and is capped by maxTtlSeconds.
            const validBefore = Math.min(Math.floor(grant.expiresAt.getTime() / 1000), now + config.maxTtlSeconds);
            const startsAt = Math.floor(grant.startsAt.getTime() / 1000);
            if (validBefore <= now) {
                throw new ConnectorError('rejected', 'the grant has ended; no certificate was issued', {
                    retryable: false,
                });
            }
            if (validBefore <= startsAt) {
                throw new ConnectorError('rejected', 'the grant starts later than maxTtlSeconds from now', {
                    retryable: true,
                });
            }
            const serial = serialForGrant(grant.grantId);
            if ((await ledger.revoked()).value[serial.toString()] !== undefined) {
                throw new ConnectorError('conflict', 'this grant was already revoked on the target', {
                    retryable: false,
                });
            }
            const ca = await caKey();
            checkAborted(signal);
            const signed = signUserCertificate({
                ca,
                grantId: grant.grantId,
                params,
                validAfter: startsAt - config.clockSkewSeconds,
                validBefore,
            });
            await ledger.recordIssued(serial, { grantId: grant.grantId, principals: params.principals, validBefore, ca: ca.fingerprint }, now);
            const expiresAt = new Date(validBefore * 1000);
            const handle = {
                serial: serial.toString(),
                keyId: grant.grantId,
                validBefore,
                caFingerprint: ca.fingerprint,
            };
            const bundle = {
                privateKey: signed.privateKey,
                certificate: signed.certificate,
                principals: params.principals,
                expiresAt: expiresAt.toISOString(),
            };
            return {
                handle: { ...handle },
                credential: new Secret(JSON.stringify(bundle)),
                expiresAt,
                instructions: instructionsFor(grant.grantId, params.principals, expiresAt),
            };
        },
        async revoke(handle, { signal }) {
            checkAborted(signal);
            await revokeRef(parseHandle(handle));
        },
        async inspect(handle, { signal }) {
            checkAborted(signal);
            const ref = parseHandle(handle);
            const now = nowSeconds();
            const validBefore = ref.validBefore ?? (await ledger.issued())[ref.serial.toString()]?.validBefore ?? null;
            // Nothing recorded for an intent handle: no certificate was ever handed out.
            if (validBefore === null || validBefore <= now)
                return 'gone';
            return (await publisher.isPublished(await caBlobFor(ref), ref.serial)) ? 'gone' : 'live';
        },
        /**
         * Certificates are bearer artefacts that live with their holders: a host keeps no record of
         * them, so there is no shadow access to discover. What is listed is every certificate this
         * target signed that is unexpired and not revoked by the published KRL.
         */
        async list(_scope, { signal }) {
            checkAborted(signal);
            const now = nowSeconds();
            const krl = await publisher.readPublished();
            const entries = [];
            for (const [serial, cert] of Object.entries(await ledger.issued())) {
                if (cert.validBefore <= now)
                    continue;
                const ref = { serial: BigInt(serial), validBefore: null, caFingerprint: cert.ca };
                if (krl !== null && krlRevokesSerial(krl, await caBlobFor(ref), ref.serial))
                    continue;
                entries.push({
                    key: `cert:${serial}`,
                    principal: cert.grantId,
                    grantId: cert.grantId,
                    privileges: [...cert.principals].sort(),
                });
            }
            return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        },
        async removeAccess(entry, { signal }) {
            checkAborted(signal);
            const match = /^cert:([1-9][0-9]{0,19})$/.exec(entry.key);
            if (match?.[1] === undefined) {
                throw new ConnectorError('rejected', 'not an ssh connector access entry', {
                    retryable: false,
                });
            }
            const serial = parseSerial(match[1]);
            const cert = (await ledger.issued())[serial.toString()];
            await revokeRef({
                serial,
                validBefore: cert?.validBefore ?? null,
                caFingerprint: cert?.ca ?? null,
            });
        },
        async verifyConfig({ signal }) {
            checkAborted(signal);
            try {
                await probeWritable(config.krlPath);
            }
            catch (error) {
                const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
                throw new ConnectorError('rejected', `the KRL directory for ${config.krlPath} is not writable (${code})`, { retryable: false, cause: error });
            }
            await caKey();
        },
        async caPublicKey() {
            return (await caKey()).publicLine;
        },
        publishKrl() {
            return publisher.publish();
        },
        async close() {
            await publisher.settled();
            caLoad = undefined;
        },
    };
}
function parseParams(raw) {
    const parsed = sshParamsSchema.safeParse(raw);
    if (parsed.success)
        return parsed.data;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConnectorError('rejected', `invalid ssh entitlement params: ${issues.join('; ')}`, {
        retryable: false,
    });
}
async function guardState(operation) {
    try {
        return await operation();
    }
    catch (error) {
        if (error instanceof ConnectorError)
            throw error;
        throw new ConnectorError('unreachable', 'the connector state store failed', {
            retryable: true,
        });
    }
}
