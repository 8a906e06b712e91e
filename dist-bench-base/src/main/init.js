import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureAuditSigningKey } from '../audit/audit-keys.js';
import { AUDIT_KEY_FILE, DATA_KEY_FILE, PACKAGE_ROOT, loadConfig } from '../config/load.js';
import { createApiToken, createIdentity } from '../app/manage-identities.js';
import { generateDataKey } from '../security/aes-sealer.js';
import { createRuntime } from './runtime.js';
export function isInitialized(dataDir) {
    return existsSync(path.join(dataDir, DATA_KEY_FILE));
}
/**
 * Prepares a data directory: the sealing key and the audit checkpoint key (0600), the database,
 * and — on a fresh store — the sample identities with one API token each, printed once.
 */
export async function initDataDir(options, log) {
    const probe = loadConfigLoosely(options);
    const dataDir = probe.dataDir;
    mkdirSync(path.join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
    const keyFile = path.join(dataDir, DATA_KEY_FILE);
    const fresh = !existsSync(keyFile);
    if (fresh && !options.env?.HOURGLASS_DATA_KEY && !process.env.HOURGLASS_DATA_KEY) {
        writeFileSync(keyFile, generateDataKey() + '\n', { mode: 0o600 });
    }
    ensureAuditSigningKey(probe.auditSigningKeyFile ?? path.join(dataDir, AUDIT_KEY_FILE));
    const config = loadConfig({ file: options.configFile, ...(options.env ? { env: options.env } : {}) });
    return seed(config, log, options.identitiesFile ?? path.join(PACKAGE_ROOT, 'samples', 'identities.json'));
}
async function seed(config, log, identitiesFile) {
    const runtime = await createRuntimeForSeed(config, log, identitiesFile);
    try {
        const { deps } = runtime;
        const existing = await deps.store.identities.list();
        const tokens = {};
        if (existing.length === 0) {
            const { identities } = JSON.parse(readFileSync(identitiesFile, 'utf8'));
            // Owners first: an NHI's owner must exist when the NHI is created.
            const ordered = [...identities].sort((a, b) => Number(a.kind !== 'human') - Number(b.kind !== 'human'));
            for (const identity of ordered)
                await createIdentity(deps, 'system:init', identity);
            for (const identity of ordered) {
                const issued = await createApiToken(deps, 'system:init', { identityId: identity.id, name: 'sample token from init' }, () => deps.newApiToken());
                tokens[identity.id] = issued.token.reveal();
            }
        }
        return { created: existing.length === 0, dataDir: config.dataDir, tokens };
    }
    finally {
        await runtime.close();
    }
}
/** The catalog names owners, so identities must exist before it syncs: seed with an empty catalog. */
async function createRuntimeForSeed(config, log, _identitiesFile) {
    const emptyCatalog = path.join(config.dataDir, '.empty-catalog.json');
    writeFileSync(emptyCatalog, JSON.stringify({ targets: [], entitlements: [] }));
    return createRuntime({ ...config, catalogFile: emptyCatalog }, log);
}
function loadConfigLoosely(options) {
    const env = options.env ?? process.env;
    const file = options.configFile ? JSON.parse(readFileSync(options.configFile, 'utf8')) : {};
    const dataDir = path.resolve(env.HOURGLASS_DATA_DIR ?? file.dataDir ?? '.hourglass');
    const auditSigningKeyFile = env.HOURGLASS_AUDIT_KEY_FILE ?? file.auditSigningKeyFile;
    return auditSigningKeyFile ? { dataDir, auditSigningKeyFile } : { dataDir };
}
