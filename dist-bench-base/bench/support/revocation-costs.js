import { executeRevocations, MAX_REVOCATION_BATCH } from '../../src/app/execute-revocations.js';
import { executeRevocation } from '../../src/app/revoke-grant.js';
import { jtiForGrant } from '../../src/connectors/jwt/jwt-connector.js';
import { randomIdSource } from '../../src/security/random-id-source.js';
import { sqliteCommitRate } from './bare-parts.js';
import { seedActiveGrants } from './seed-grants.js';
import { median, nowMs } from './stats.js';
import { startBenchWorld } from './world.js';
const SAMPLES = 300;
/** Full batches measured; one alone was mostly noise on a loaded machine. */
const BATCHES = 5;
async function meanMs(op) {
    const start = nowMs();
    for (let i = 0; i < SAMPLES; i++)
        await op(i);
    return (nowMs() - start) / SAMPLES;
}
/** The parts of one revocation, one at a time and in a full batch, on a fresh world with no engine running. */
export async function revocationCosts() {
    const world = await startBenchWorld();
    try {
        return await measure(world);
    }
    finally {
        await world.close();
    }
}
async function measure(world) {
    const { store } = world;
    const deps = world.runtime.deps;
    const auditTransactionMs = await meanMs(() => store.transaction((tx) => tx.audit.append({
        type: 'grant.revoking',
        actor: 'system:bench',
        grantId: null,
        data: { reason: 'expired', attempt: 1, fromState: 'active' },
        id: randomIdSource.newId('evt'),
        at: new Date(),
    })));
    const target = await store.catalog.getTarget('orders-api');
    if (!target)
        throw new Error('the sample jwt target is missing');
    const connector = await deps.connectors.instanceFor(target);
    const connectorMs = await meanMs(async (i) => {
        const handle = {
            jti: jtiForGrant(`grt_costs_${i}`),
            exp: Math.floor(Date.now() / 1000) + 60,
            kid: 'bench',
        };
        await connector.revoke(handle, { signal: AbortSignal.timeout(15_000) });
        await connector.inspect?.(handle, { signal: AbortSignal.timeout(15_000) });
    });
    await seedActiveGrants(store, randomIdSource, SAMPLES, new Date(), new Date(Date.now() - 1000));
    const due = await store.grants.listRevocable(new Date(), SAMPLES);
    const tx0 = world.transactions();
    const seq0 = (await store.audit.head()).seq;
    const revocationMs = await meanMs((i) => executeRevocation(deps, due[i]?.id ?? ''));
    const transactionsPerRevocation = (world.transactions() - tx0) / SAMPLES;
    const auditEventsPerRevocation = ((await store.audit.head()).seq - seq0) / SAMPLES;
    const wall = [];
    const cpu = [];
    let transactionsPerBatch = 0;
    for (let b = 0; b < BATCHES; b++) {
        await seedActiveGrants(store, randomIdSource, MAX_REVOCATION_BATCH, new Date(), new Date(Date.now() - 1000));
        const batch = (await store.grants.listRevocable(new Date(), MAX_REVOCATION_BATCH)).map((g) => g.id);
        const txBatch = world.transactions();
        const batchStart = nowMs();
        const cpuStart = process.cpuUsage();
        await executeRevocations(deps, batch);
        const used = process.cpuUsage(cpuStart);
        wall.push((nowMs() - batchStart) / batch.length);
        cpu.push((used.user + used.system) / 1000 / batch.length);
        transactionsPerBatch = world.transactions() - txBatch;
    }
    const batchedRevocationMs = median(wall);
    const batchedRevocationCpuMs = median(cpu);
    const bareCommitMs = (await sqliteCommitRate(world.dataDir, 300, 1)).meanMs;
    return {
        auditTransactionMs,
        connectorMs,
        revocationMs,
        transactionsPerRevocation,
        auditEventsPerRevocation,
        bareCommitMs,
        batchedRevocationMs,
        batchedRevocationCpuMs,
        transactionsPerBatch,
    };
}
