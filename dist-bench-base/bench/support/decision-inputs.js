import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SAMPLES_DIR } from './paths.js';
const EPOCH = new Date(0);
function readJson(file) {
    return JSON.parse(readFileSync(path.join(SAMPLES_DIR, file), 'utf8'));
}
function sampleIdentity(id) {
    const { identities } = readJson('identities.json');
    const found = identities.find((i) => i.id === id);
    if (!found)
        throw new Error(`sample identity ${id} is missing`);
    return {
        ...found,
        email: null,
        status: 'active',
        ownerId: null,
        purpose: null,
        oidcIssuer: null,
        oidcSubject: null,
        createdAt: EPOCH,
        updatedAt: EPOCH,
        version: 1,
    };
}
function sampleEntitlement(id) {
    const { entitlements } = readJson('catalog.json');
    const found = entitlements.find((e) => e.id === id);
    if (!found)
        throw new Error(`sample entitlement ${id} is missing`);
    return {
        ...found,
        defaultDurationSeconds: 3600,
        maxDurationSeconds: 8 * 3600,
        createdAt: EPOCH,
        updatedAt: EPOCH,
    };
}
/**
 * The two decisions an auto-approved request needs, as the use cases build them: alice asks for
 * the low-risk `orders-read` (jwt target) for an hour, then issuance re-checks it.
 */
export function autoApprovedDecisions(now) {
    const alice = sampleIdentity('alice');
    const entitlement = sampleEntitlement('orders-read');
    const target = { id: entitlement.targetId, kind: 'jwt' };
    const context = { durationSeconds: 3600, hasTicket: false, now: Math.floor(now.getTime() / 1000) };
    const base = { principal: alice, subject: alice, entitlement, target, context };
    return {
        request: { ...base, action: 'request' },
        activate: {
            ...base,
            action: 'activate',
            request: {
                id: 'req_bench',
                requesterId: alice.id,
                subjectId: alice.id,
                durationSeconds: 3600,
                ticketRef: null,
                revocationCondition: 'expiry',
            },
        },
    };
}
