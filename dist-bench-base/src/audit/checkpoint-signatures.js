import { createPublicKey } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { checkpointPayload } from '../domain/audit-event.js';
import { signatureValid } from './verify-chain.js';
/** Checkpoints from which `auto` checks them on a worker thread (about 50,000 events at the default cadence). */
const WORKER_FROM = 500;
/**
 * Whether each checkpoint's Ed25519 signature verifies, in the order given. A key that is not a
 * usable public key rejects, so the caller can fail the way `verifyExport` does.
 */
export function checkSignatures(checkpoints, publicKeyPem, mode = 'auto') {
    if (mode === 'inline' || (mode === 'auto' && checkpoints.length < WORKER_FROM)) {
        let results = null;
        return () => (results ??= inline(checkpoints, publicKeyPem));
    }
    const results = onThread(checkpoints, publicKeyPem);
    // Settled now, so a caller that no longer needs the answer leaves no unhandled rejection.
    results.catch(() => undefined);
    return () => results;
}
function inline(checkpoints, publicKeyPem) {
    try {
        const key = createPublicKey(publicKeyPem);
        return Promise.resolve(checkpoints.map((cp) => signatureValid(cp, key)));
    }
    catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
}
/**
 * Plain JavaScript evaluated in the worker, so it runs the same from the TypeScript sources
 * (tests) and from the build; it needs nothing but node:crypto.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createPublicKey, verify } = require('node:crypto')
const key = createPublicKey(workerData.publicKeyPem)
parentPort.postMessage(workerData.items.map(([payload, signature]) =>
  verify(null, Buffer.from(payload), key, Buffer.from(signature, 'base64url'))))
`;
function onThread(checkpoints, publicKeyPem) {
    // The payloads are built here with the same code `verifyExport` signs and checks against.
    let items;
    try {
        items = checkpoints.map((cp) => [checkpointPayload(cp), cp.signature]);
    }
    catch (error) {
        // A checkpoint without a usable date: the caller's own check throws where verifyExport does.
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { items, publicKeyPem } });
        worker.once('message', (results) => {
            resolve(results);
            void worker.terminate();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
            reject(new Error(`signature worker exited with code ${code}`));
        });
    });
}
