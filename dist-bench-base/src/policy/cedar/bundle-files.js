import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../domain/errors.js';
export const SCHEMA_SUFFIX = '.cedarschema';
export const POLICY_SUFFIX = '.cedar';
/**
 * Reads the bundle's files: the top level of the directory only, so `tests/` and notes beside
 * the policies neither load nor change the hash.
 */
export async function readBundleFiles(dir) {
    let names;
    try {
        const entries = await readdir(dir, { withFileTypes: true });
        names = entries
            .filter((e) => (e.isFile() || e.isSymbolicLink()) && isBundleFileName(e.name))
            .map((e) => e.name)
            .sort(compareNames);
    }
    catch (error) {
        throw new AppError('policy.invalid', `Cannot read the policy directory: ${describe(error)}`, {
            cause: error,
        });
    }
    const files = await Promise.all(names.map((name) => readText(dir, name)));
    const schemas = files.filter((f) => f.name.endsWith(SCHEMA_SUFFIX));
    const policies = files.filter((f) => f.name.endsWith(POLICY_SUFFIX));
    const [schema] = schemas;
    if (schema === undefined || schemas.length > 1) {
        const found = schemas.length === 0 ? 'none' : schemas.map((s) => s.name).join(', ');
        throw new AppError('policy.invalid', `The policy directory must hold exactly one ${SCHEMA_SUFFIX} file (found: ${found})`);
    }
    if (policies.length === 0) {
        throw new AppError('policy.invalid', `The policy directory holds no ${POLICY_SUFFIX} files`);
    }
    return { hash: bundleHash(files), schema, policies };
}
/**
 * sha256 over every file's name and content in name order. Each part is length-prefixed so that
 * moving text from the end of one file to the start of the next, or renaming, changes the hash.
 */
export function bundleHash(files) {
    const hash = createHash('sha256');
    for (const file of [...files].sort((a, b) => compareNames(a.name, b.name))) {
        for (const part of [file.name, file.text]) {
            const bytes = Buffer.from(part, 'utf8');
            hash.update(`${bytes.length}:`).update(bytes);
        }
    }
    return hash.digest('hex');
}
function isBundleFileName(name) {
    return !name.startsWith('.') && (name.endsWith(SCHEMA_SUFFIX) || name.endsWith(POLICY_SUFFIX));
}
/** Code-unit order, not locale order, so the hash is the same on every machine. */
function compareNames(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
const UTF8 = new TextDecoder('utf-8', { fatal: true });
async function readText(dir, name) {
    try {
        return { name, text: UTF8.decode(await readFile(join(dir, name))) };
    }
    catch (error) {
        throw new AppError('policy.invalid', `${name}: cannot be read as UTF-8 text: ${describe(error)}`, {
            cause: error,
        });
    }
}
function describe(error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string')
        return error.code;
    return error instanceof Error ? error.message : String(error);
}
