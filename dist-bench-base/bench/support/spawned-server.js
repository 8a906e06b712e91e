import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { nowMs } from './stats.js';
const READY_TIMEOUT_MS = 120_000;
/** Spawns a server and polls `readyPath` on loopback until it answers 200. */
export async function spawnUntilReady(args, env, port, readyPath) {
    const url = `http://127.0.0.1:${port}`;
    const start = nowMs();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
        if (out.length < 64_000)
            out += chunk.toString('utf8');
    });
    // Drained whatever it says: a full pipe would stall the server and the figures with it.
    child.stderr.on('data', (chunk) => {
        if (err.length < 8_000)
            err += chunk.toString('utf8');
    });
    for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) {
            const how = child.signalCode ?? String(child.exitCode);
            throw new Error(`server exited (${how}) before it was ready:\n${err.slice(-2000)}`);
        }
        if (nowMs() - start > READY_TIMEOUT_MS) {
            await stopChild(child);
            throw new Error(`server not ready within ${READY_TIMEOUT_MS} ms:\n${err.slice(-2000)}`);
        }
        if (await answers200(url + readyPath))
            break;
        await new Promise((r) => setTimeout(r, 10));
    }
    const readyAfterMs = nowMs() - start;
    const pid = child.pid;
    if (pid === undefined)
        throw new Error('spawned server has no pid');
    return { pid, url, readyAfterMs, stdout: () => out, stop: () => stopChild(child) };
}
async function answers200(url) {
    try {
        const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        return res.status === 200;
    }
    catch {
        return false;
    }
}
/** SIGTERM (the server shuts down cleanly on it), then SIGKILL if it hangs; only this child. */
function stopChild(child) {
    if (child.exitCode !== null || child.signalCode !== null)
        return Promise.resolve();
    return new Promise((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
            clearTimeout(force);
            resolve();
        });
        child.kill('SIGTERM');
    });
}
/** Resident memory of a process now and at its peak, in MiB, from the kernel's accounting. */
export function residentMemory(pid) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}
/** `serve` prints one token per sample identity on its first start. */
export function tokensFrom(stdout) {
    const tokens = {};
    for (const match of stdout.matchAll(/^ {2}([a-z0-9._@-]+) +(\S+)$/gm)) {
        const [, id, token] = match;
        if (id !== undefined && token !== undefined)
            tokens[id] = token;
    }
    return tokens;
}
