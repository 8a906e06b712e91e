import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { requestDigest } from '../../src/domain/access-request.js';
import { targetNameFor } from '../../src/domain/grant.js';
import { NO_OBLIGATIONS } from '../../src/domain/obligations.js';
import { jtiForGrant } from '../../src/connectors/jwt/jwt-connector.js';
import { rowRecorder } from './store-rows.js';
/*
 * Active jwt grants (alice, orders-read) with their approved requests, written straight to the
 * database: issuing tens of thousands through the API one by one would take longer than a
 * benchmark or test may. The handle is what the jwt connector stores at issuance, so revoking
 * them goes through the real connector. Shared by the revocation benchmarks and the load tests.
 */
const BATCH = 1_000;
/** Revocation never reads the request, so a hundred grants share one. */
const GRANTS_PER_REQUEST = 100;
/** Rows per bulk statement: one JSON parameter each, so no bind-parameter limit applies. */
const BULK_BATCH = 5_000;
/** Grants read back through the store after a bulk seed, spread over the whole range. */
const READ_BACK = 16;
/**
 * Through the store, in batched transactions (any engine). Returns the grant ids in seed order.
 */
export async function seedActiveGrants(store, ids, count, now, expiresAt) {
    const grantIds = [];
    const seed = seedRecords(ids, now, expiresAt);
    for (let start = 0; start < count; start += BATCH) {
        const end = Math.min(count, start + BATCH);
        await store.transaction(async (tx) => {
            for (let i = start; i < end; i++) {
                const { request, grant } = seed(i);
                if (request !== null)
                    await tx.requests.insert(request);
                await tx.grants.insert(grant);
                grantIds.push(grant.id);
            }
        });
    }
    return grantIds;
}
/**
 * PostgreSQL only, many times faster: the rows are the ones the store's own insert statements
 * carry (captured from them, see store-rows.ts), written a few thousand per statement. A sample
 * is then read back through `store` and must equal what was seeded, or this throws.
 */
export async function bulkSeedActiveGrants(store, databaseUrl, ids, count, now, expiresAt) {
    const recorder = rowRecorder();
    const seed = seedRecords(ids, now, expiresAt);
    const grantIds = [];
    const samples = new Map();
    const sampleAt = new Set(Array.from({ length: READ_BACK }, (_, k) => Math.floor((k * (count - 1)) / (READ_BACK - 1))));
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
        for (let start = 0; start < count; start += BULK_BATCH) {
            const end = Math.min(count, start + BULK_BATCH);
            for (let i = start; i < end; i++) {
                const { request, grant, requestOf } = seed(i);
                if (request !== null)
                    await recorder.store.requests.insert(request);
                await recorder.store.grants.insert(grant);
                grantIds.push(grant.id);
                if (sampleAt.has(i))
                    samples.set(i, { request: requestOf, grant });
            }
            await writeRows(client, recorder.take());
        }
    }
    finally {
        await client.end();
    }
    for (const [i, seeded] of samples) {
        const grant = await store.grants.get(seeded.grant.id);
        const request = await store.requests.get(seeded.request.id);
        if (!isDeepStrictEqual(grant, seeded.grant) || !isDeepStrictEqual(request, seeded.request)) {
            throw new Error(`bulk seed: grant ${i} reads back differently through the store:\n` +
                JSON.stringify({ seeded, read: { grant, request } }, null, 1).slice(0, 4_000));
        }
    }
    return grantIds;
}
/** Table by table in the order first written, so a request lands before the grants citing it. */
async function writeRows(client, rows) {
    const groups = new Map();
    for (const row of rows) {
        const key = `${row.table}\n${row.columns.join(',')}`;
        const group = groups.get(key);
        if (group)
            group.push(row);
        else
            groups.set(key, [row]);
    }
    for (const group of groups.values()) {
        const first = group[0];
        if (!first)
            continue;
        const columns = first.columns.map((c) => `"${c}"`).join(', ');
        await client.query(`insert into "${first.table}" (${columns}) ` +
            `select ${columns} from json_populate_recordset(null::"${first.table}", $1::json)`, [JSON.stringify(group.map((r) => r.values))]);
    }
}
/** The i-th grant of a seed, with the request it cites (new every GRANTS_PER_REQUEST grants). */
function seedRecords(ids, now, expiresAt) {
    let current;
    return (i) => {
        let request = null;
        if (current === undefined || i % GRANTS_PER_REQUEST === 0) {
            current = approvedRequest(ids.newId('req'), now);
            request = current;
        }
        const expiry = typeof expiresAt === 'function' ? expiresAt(i) : expiresAt;
        return {
            request,
            requestOf: current,
            grant: activeGrant(ids.newId('grt'), current, now, expiry),
        };
    };
}
function approvedRequest(id, now) {
    const fields = {
        id,
        requesterId: 'alice',
        subjectId: 'alice',
        entitlementId: 'orders-read',
        justification: 'Seeded by a load test',
        ticketRef: null,
        durationSeconds: 3600,
        revocationCondition: 'expiry',
        submittedAt: now,
        breakGlass: false,
        incidentRef: null,
        extendsGrantId: null,
    };
    return {
        ...fields,
        state: 'approved',
        digest: requestDigest(fields),
        obligations: NO_OBLIGATIONS,
        eligibleReviewers: [],
        policyHash: 'seeded',
        reviewDeadline: now,
        decidedAt: now,
        decisionReason: 'auto-approved by policy',
        version: 1,
    };
}
function activeGrant(id, request, now, expiresAt) {
    return {
        id,
        requestId: request.id,
        subjectId: 'alice',
        entitlementId: 'orders-read',
        targetId: 'orders-api',
        connectorKind: 'jwt',
        breakGlass: false,
        state: 'active',
        targetName: targetNameFor(id),
        startsAt: now,
        expiresAt,
        handle: { jti: jtiForGrant(id), exp: Math.floor(expiresAt.getTime() / 1000), kid: 'seeded' },
        credentialCiphertext: null,
        credentialRetrievedAt: null,
        issuedAt: now,
        issueAttempts: 1,
        revokeAttempts: 0,
        nextAttemptAt: null,
        lastError: null,
        revokeReason: null,
        revokeDueAt: null,
        revokedAt: null,
        revocationLagMs: null,
        verification: null,
        leaseOwner: null,
        leaseUntil: null,
        createdAt: now,
        version: 1,
    };
}
