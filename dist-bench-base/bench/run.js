import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
/*
 * src/ takes its package root to be two directories above each compiled file, which holds for
 * dist/ but not for this build (dist-bench/src/…), and reads the manifest from there when loaded.
 * The manifest is put where it looks before anything from src/ is imported.
 */
const buildRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
copyFileSync(path.join(buildRoot, '..', 'package.json'), path.join(buildRoot, 'package.json'));
const { runSuite } = await import('./suite.js');
runSuite(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
