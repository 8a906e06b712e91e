import { readFileSync } from 'node:fs';
export function resolveTargetSecrets(config, sealer, env = process.env) {
    const problems = [];
    const walk = (value, path) => {
        const ref = secretReference(value);
        if (ref) {
            const secret = readReference(ref, env);
            if (secret === null) {
                problems.push(`${path}: ${describe(ref)} is not set`);
                return { plain: '', stored: '' };
            }
            return { plain: secret, stored: { $sealed: sealer.seal(secret) } };
        }
        if (Array.isArray(value)) {
            const parts = value.map((v, i) => walk(v, `${path}[${i}]`));
            return { plain: parts.map((p) => p.plain), stored: parts.map((p) => p.stored) };
        }
        if (value !== null && typeof value === 'object') {
            const plain = {};
            const stored = {};
            for (const [k, v] of Object.entries(value)) {
                const part = walk(v, path ? `${path}.${k}` : k);
                plain[k] = part.plain;
                stored[k] = part.stored;
            }
            return { plain, stored };
        }
        return { plain: value, stored: value };
    };
    const { plain, stored } = walk(config, '');
    return { plain: plain, stored: stored, problems };
}
/** Opens every `$sealed` value of a stored target config. */
export function openTargetSecrets(config, sealer) {
    if (Array.isArray(config))
        return config.map((v) => openTargetSecrets(v, sealer));
    if (config !== null && typeof config === 'object') {
        const sealed = config.$sealed;
        if (typeof sealed === 'string' && Object.keys(config).length === 1)
            return sealer.open(sealed).reveal();
        return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, openTargetSecrets(v, sealer)]));
    }
    return config;
}
function secretReference(value) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
        return null;
    const keys = Object.keys(value);
    if (keys.length !== 1)
        return null;
    const v = value;
    if (typeof v.fromEnv === 'string')
        return { fromEnv: v.fromEnv };
    if (typeof v.fromFile === 'string')
        return { fromFile: v.fromFile };
    return null;
}
function readReference(ref, env) {
    if ('fromEnv' in ref) {
        const v = env[ref.fromEnv];
        return v === undefined || v === '' ? null : v;
    }
    try {
        return readFileSync(ref.fromFile, 'utf8').trim() || null;
    }
    catch {
        return null;
    }
}
function describe(ref) {
    return 'fromEnv' in ref ? `environment variable ${ref.fromEnv}` : `file ${ref.fromFile}`;
}
