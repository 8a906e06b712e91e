import { createPublicKey } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { checkpointPayload, type AuditCheckpoint } from '../domain/audit-event.js'
import { signatureValid } from './verify-chain.js'

export type SignatureMode = 'auto' | 'inline' | 'worker'

/**
 * Below this many checkpoints a worker's start-up (tens of milliseconds) costs more than the
 * signatures it would take off the main thread (about 0.13 ms each).
 */
const WORKER_FROM = 250

/**
 * Whether each checkpoint's Ed25519 signature verifies, in the order given. On a worker thread
 * the checks run while the main thread hashes the chain (one signature costs about as much as
 * hashing 50 events); inline they run when first asked for. A key that is not a usable public
 * key rejects, so the caller can fail the way `verifyExport` does.
 */
export function checkSignatures(
  checkpoints: readonly AuditCheckpoint[],
  publicKeyPem: string,
  mode: SignatureMode = 'auto',
): () => Promise<boolean[]> {
  const onWorker = mode === 'worker' || (mode === 'auto' && checkpoints.length >= WORKER_FROM)
  if (!onWorker) {
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
