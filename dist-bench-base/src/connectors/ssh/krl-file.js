import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeKrl } from './krl.js';
/**
 * Replaces the file at `path` so that a reader (sshd, on every login) sees either the old
 * content or the new, never a partial list: write a temp file in the same directory, fsync it,
 * rename it over the target, then fsync the directory so the rename survives a crash.
 */
export async function writeFileAtomically(path, data) {
    const directory = dirname(path);
    // A fresh machine has no KRL directory yet; sshd needs to traverse it, so 0755.
    await mkdir(directory, { recursive: true, mode: 0o755 });
    const temp = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    // The KRL holds serials only; sshd and any distribution agent must be able to read it.
    const file = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
        try {
            await file.writeFile(data);
            await file.sync();
        }
        finally {
            await file.close();
        }
        await rename(temp, path);
    }
    catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
    }
    await syncDirectory(directory);
}
/** The KRL published at `path`, or null when there is none yet. */
export async function readKrlFile(path) {
    let data;
    try {
        data = await readFile(path);
    }
    catch (error) {
        if (isNotFound(error))
            return null;
        throw error;
    }
    return decodeKrl(data);
}
/** Proves the directory takes new files by creating and removing one. */
export async function probeWritable(path) {
    const probe = join(dirname(path), `.${basename(path)}.probe-${randomBytes(6).toString('hex')}`);
    const file = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    await file.close();
    await unlink(probe);
}
async function syncDirectory(directory) {
    const handle = await open(directory, constants.O_RDONLY);
    try {
        await handle.sync();
    }
    finally {
        await handle.close();
    }
}
function isNotFound(error) {
    return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
