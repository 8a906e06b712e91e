import { createPublicKey } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { checkpointPayload, type AuditCheckpoint } from '../domain/audit-event.js'
import { signatureValid } from './verify-chain.js'

/**
 * `worker` checks the signatures on a worker thread while the main thread hashes the chain (one
 * signature costs about as much as hashing 50 events); `inline` checks them on the main thread
 * when first asked for. `auto`, the default, takes the worker for many checkpoints only: on a
 * quiet 2-core machine it verified 397k events/s against 263k inline (2,000 checkpoints), but
 * its start-up costs tens of milliseconds, and on a saturated machine it competes for the same
 * cores (there it was not faster). `npm run bench -- audit` reports both.
 */
export type SignatureMode = 'inline' | 'worker' | 'auto'

/** Checkpoints from which `auto` checks them on a worker thread (about 50,000 events at the default cadence). */
const WORKER_FROM = 500

/**
 * Whether each checkpoint's Ed25519 signature verifies, in the order given. A key that is not a
 * usable public key rejects, so the caller can fail the way `verifyExport` does.
 */
export function checkSignatures(
  checkpoints: readonly AuditCheckpoint[],
  publicKeyPem: string,
  mode: SignatureMode = 'auto',
): () => Promise<boolean[]> {
  if (mode === 'inline' || (mode === 'auto' && checkpoints.length < WORKER_FROM)) {
    let results: Promise<boolean[]> | null = null
    return () => (results ??= inline(checkpoints, publicKeyPem))
  }
  const results = onThread(checkpoints, publicKeyPem)
  // Settled now, so a caller that no longer needs the answer leaves no unhandled rejection.
  results.catch(() => undefined)
  return () => results
}

function inline(checkpoints: readonly AuditCheckpoint[], publicKeyPem: string): Promise<boolean[]> {
  try {
    const key = createPublicKey(publicKeyPem)
    return Promise.resolve(checkpoints.map((cp) => signatureValid(cp, key)))
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
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
`

function onThread(
  checkpoints: readonly AuditCheckpoint[],
  publicKeyPem: string,
): Promise<boolean[]> {
  // The payloads are built here with the same code `verifyExport` signs and checks against.
  let items: string[][]
  try {
    items = checkpoints.map((cp) => [checkpointPayload(cp), cp.signature])
  } catch (error) {
    // A checkpoint without a usable date: the caller's own check throws where verifyExport does.
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { items, publicKeyPem } })
    worker.once('message', (results: boolean[]) => {
      resolve(results)
      void worker.terminate()
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      reject(new Error(`signature worker exited with code ${code}`))
    })
  })
}
