import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApiToken, createIdentity, } from '../../src/app/manage-identities.js';
import { syncCatalog } from '../../src/app/sync-catalog.js';
import { ensureAuditSigningKey } from '../../src/audit/audit-keys.js';
import { loadConfig } from '../../src/config/load.js';
import { createRuntime, publicUrlOf } from '../../src/main/runtime.js';
import { createRootLogger } from '../../src/observability/logger.js';
import { generateDataKey } from '../../src/security/aes-sealer.js';
import { openStore } from '../../src/storage/kysely/open-store.js';
import { POLICY_DIR, SAMPLES_DIR } from './paths.js';
/**
 * Production logs every request and grant at info; the benchmark pays for formatting them too,
 * but not for a terminal to scroll them.
 */
export function discardingLog() {
    return createRootLogger({
        level: 'info',
        destination: new Writable({
            write(_chunk, _encoding, done) {
                done();
            },
        }),
    });
}
/**
 * The real runtime (Cedar, jwt connector, store, audit, engine) on the system clock over a
 * temporary data directory, seeded with the sample identities and catalog, as `serve` builds it.
 */
export async function startBenchWorld(options = {}) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hourglass-bench-'));
    const auditKey = options.keys?.auditSigningKeyFile ?? path.join(dataDir, 'keys', 'audit.pem');
    if (options.keys === undefined)
        ensureAuditSigningKey(auditKey);
    const emptyCatalog = path.join(dataDir, 'empty-catalog.json');
    await writeFile(emptyCatalog, JSON.stringify({ targets: [], entitlements: [] }));
    const config = loadConfig({
        env: {},
        overrides: {
            dataDir,
            dataKey: options.keys?.dataKey ?? generateDataKey(),
            auditSigningKeyFile: auditKey,
            policyDir: POLICY_DIR,
            catalogFile: emptyCatalog,
            publicUrl: 'http://127.0.0.1:7300',
            ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
            ...(options.lifecycle === undefined ? {} : { lifecycle: options.lifecycle }),
        },
    });
    const inner = await openStore(config.databaseUrl !== undefined
        ? { databaseUrl: config.databaseUrl }
        : { sqlitePath: path.join(dataDir, 'hourglass.db') });
    let transactions = 0;
    const store = countingStore(inner, () => {
        transactions++;
    });
    const runtime = await createRuntime(config, discardingLog(), { store });
    const tokens = {};
    if (options.empty !== true) {
        const { deps } = runtime;
        const file = path.join(SAMPLES_DIR, 'identities.json');
        const { identities } = JSON.parse(readFileSync(file, 'utf8'));
        // Owners first: an NHI's owner must exist when the NHI is created.
        const ordered = [...identities].sort((a, b) => Number(a.kind !== 'human') - Number(b.kind !== 'human'));
        for (const identity of ordered) {
            await createIdentity(deps, 'system:bench', identity);
            const issued = await createApiToken(deps, 'system:bench', { identityId: identity.id, name: 'bench' }, () => deps.newApiToken());
            tokens[identity.id] = issued.token.reveal();
        }
        const catalog = JSON.parse(readFileSync(path.join(SAMPLES_DIR, 'catalog.json'), 'utf8'));
        await syncCatalog(deps, catalog, { PUBLIC_URL: publicUrlOf(config) });
    }
    return {
        runtime,
        store,
        tokens,
        dataDir,
        transactions: () => transactions,
        async close() {
            await runtime.close();
            await inner.close();
            await rm(dataDir, { recursive: true, force: true });
        },
    };
}
/**
 * The same store, counting transactions: the benchmark's floor is that many bare commits. A proxy
 * rather than a copy, so repositories added to the Store later need no change here.
 */
function countingStore(store, count) {
    return new Proxy(store, {
        get(target, property) {
            if (property === 'transaction') {
                return (fn) => {
                    count();
                    return target.transaction(fn);
                };
            }
            const value = Reflect.get(target, property, target);
            // Methods use private fields, so they must run on the store itself, not on the proxy.
            return typeof value === 'function'
                ? value.bind(target)
                : value;
        },
    });
}
/**
 * Observes committed work without changing it: use cases signal after commit, and each tap runs
 * after the runtime's own handler (which feeds the engine).
 */
export function tapSignals(runtime, taps) {
    const original = runtime.deps.signals;
    runtime.deps.signals = {
        ...original,
        grantActivated(grant) {
            original.grantActivated(grant);
            taps.grantActivated?.(grant);
        },
        grantRevoked(grant) {
            original.grantRevoked(grant);
            taps.grantRevoked?.(grant);
        },
    };
}
