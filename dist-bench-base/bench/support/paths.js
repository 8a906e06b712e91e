import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
/**
 * The package root (where the shipped policies and samples are), found by walking up from this
 * file: the benchmarks run from their own build directory, where src's PACKAGE_ROOT (which assumes
 * the dist/ layout) points one level too low.
 */
function findRepoRoot() {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (;;) {
        const manifest = path.join(dir, 'package.json');
        if (existsSync(manifest) && existsSync(path.join(dir, 'policies'))) {
            const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
            if (name === 'hourglass')
                return dir;
        }
        const parent = path.dirname(dir);
        if (parent === dir)
            throw new Error('cannot find the hourglass package root');
        dir = parent;
    }
}
export const REPO_ROOT = findRepoRoot();
export const POLICY_DIR = path.join(REPO_ROOT, 'policies');
export const SAMPLES_DIR = path.join(REPO_ROOT, 'samples');
