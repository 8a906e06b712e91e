import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { checkpointPayload, GENESIS_HASH, hashAuditEvent, } from '../../src/domain/audit-event.js';
/** One grant's life as the use cases record it, so event sizes and shapes are the real ones. */
const LIFECYCLE = [
    {
        type: 'request.submitted',
        data: (n) => ({
            digest: 'a'.repeat(64),
            entitlementId: 'orders-read',
            subjectId: 'alice',
            durationSeconds: 3600,
            ticketRef: null,
            revocationCondition: 'expiry',
            decision: {
                allowed: true,
                policyHash: 'b'.repeat(64),
                determiningPolicies: ['request-low'],
                obligations: {
                    approvals: 0,
                    ownerApproval: false,
                    approverGroups: [],
                    maxDurationSeconds: 28800,
                    ticketRequired: false,
                },
                reasons: ['permitted by request-low'],
                errored: false,
            },
            eligibleReviewers: ['olivia'],
            n,
        }),
    },
    { type: 'request.approved', data: () => ({ digest: 'a'.repeat(64) }) },
    {
        type: 'grant.scheduled',
        data: () => ({
            entitlementId: 'orders-read',
            targetId: 'orders-api',
            connectorKind: 'jwt',
            startsAt: new Date(),
            expiresAt: new Date(),
        }),
    },
    { type: 'grant.issuing', data: (n) => ({ attempt: 1, targetName: `hg_${n.toString(36)}` }) },
    {
        type: 'grant.activated',
        data: (n) => ({ expiresAt: new Date(), attempt: 1, targetName: `hg_${n.toString(36)}` }),
    },
    { type: 'grant.revoking', data: () => ({ reason: 'expired', attempt: 1, fromState: 'active' }) },
    {
        type: 'grant.revoked',
        data: () => ({ reason: 'expired', revocationLagMs: 3, verification: 'gone', attempts: 1 }),
    },
];
/**
 * A chain of `count` events built with the domain's own hashing, and a signed checkpoint every
 * `checkpointEvery` events (the checkpointer's default cadence), exported as JSON lines.
 */
export function exportedChain(count, checkpointEvery) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const lines = [];
    const checkpointLines = [];
    let prevHash = GENESIS_HASH;
    const start = Date.now() - count;
    for (let seq = 1; seq <= count; seq++) {
        const step = LIFECYCLE[(seq - 1) % LIFECYCLE.length] ?? LIFECYCLE[0];
        if (!step)
            throw new Error('empty lifecycle');
        const grant = Math.floor((seq - 1) / LIFECYCLE.length);
        // Stored data is the canonical text parsed back, exactly what a read (and an export) returns.
        const data = JSON.parse(canonicalJson(step.data(grant)));
        const unhashed = {
            seq,
            id: `evt_${seq.toString(36).padStart(22, '0')}`,
            at: new Date(start + seq),
            type: step.type,
            actor: step.type.startsWith('request') ? 'alice' : 'system:bench-worker',
            requestId: `req_${grant.toString(36).padStart(22, '0')}`,
            grantId: step.type.startsWith('grant') ? `grt_${grant.toString(36).padStart(22, '0')}` : null,
            data,
            prevHash,
        };
        const event = { ...unhashed, hash: hashAuditEvent(unhashed) };
        prevHash = event.hash;
        // Canonical, as the export writes it: keys sorted, `hash` at its sorted place.
        lines.push(canonicalJson(event));
        if (seq % checkpointEvery === 0 || seq === count) {
            const unsigned = { seq, hash: event.hash, at: new Date(start + seq), keyId: 'bench' };
            const signature = sign(null, Buffer.from(checkpointPayload(unsigned)), privateKey).toString('base64url');
            const checkpoint = { ...unsigned, signature };
            checkpointLines.push(JSON.stringify(checkpoint));
        }
    }
    return {
        lines,
        checkpointLines,
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
}
