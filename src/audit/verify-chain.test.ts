import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { GENESIS_HASH, hashAuditEvent, type AuditCheckpoint, type AuditEvent } from '../domain/audit-event.js'
import { auditKeyId } from './audit-keys.js'
import { AuditCheckpointer } from './checkpointer.js'
import { verifyExport } from './verify-chain.js'

function chain(n: number): AuditEvent[] {
  const out: AuditEvent[] = []
  let prev = GENESIS_HASH
  for (let seq = 1; seq <= n; seq++) {
    const e = { seq, id: `evt_${seq}`, at: new Date(seq * 1000), type: 'grant.revoked' as const, actor: 'system:w', requestId: null, grantId: `grt_${seq}`, data: { lag: seq }, prevHash: prev }
    out.push({ ...e, hash: hashAuditEvent(e) })
    prev = out[out.length - 1]!.hash
  }
  return out
}

/** Signs checkpoints over `events` with a real checkpointer and an in-memory checkpoint list. */
async function sign(events: AuditEvent[], at: number[]) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const saved: AuditCheckpoint[] = []
  let head = { seq: 0, hash: GENESIS_HASH }
  const store = {
    audit: {
      head: () => Promise.resolve(head),
      listCheckpoints: () => Promise.resolve(saved),
      list: ({ afterSeq = 0, limit }: { afterSeq?: number; limit: number }) =>
        Promise.resolve(events.filter((e) => e.seq > afterSeq).slice(0, limit)),
      insertCheckpoint: (c: AuditCheckpoint) => { saved.push(c); return Promise.resolve() },
    },
  }
  const key = { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: auditKeyId(publicKey) }
  const cp = new AuditCheckpointer({ store: store as never, key, clock: { now: () => new Date() }, file: undefined, everyEvents: 1, everySeconds: 1 })
  for (const seq of at) {
    head = { seq, hash: events[seq - 1]!.hash }
    await cp.maybeCheckpoint(true)
  }
  return { checkpoints: saved, pem: key.publicKeyPem }
}

describe('offline verification against signed checkpoints', () => {
  it('accepts an intact export', async () => {
    const events = chain(10)
    const { checkpoints, pem } = await sign(events, [4, 10])
    expect(verifyExport(events, checkpoints, pem)).toMatchObject({ ok: true, events: 10, checkpointsChecked: 2 })
  })

  it('detects a deleted tail that a checkpoint covered', async () => {
    const events = chain(10)
    const { checkpoints, pem } = await sign(events, [4, 10])
    const report = verifyExport(events.slice(0, 7), checkpoints, pem)
    expect(report).toMatchObject({ ok: false, firstBadSeq: 8 })
    expect(report.reason).toMatch(/removed/)
  })

  it('detects a history rewritten and re-hashed after the last good checkpoint', async () => {
    const events = chain(10)
    const { checkpoints, pem } = await sign(events, [4, 10])
    const forged: AuditEvent[] = []
    let prev = GENESIS_HASH
    for (const e of events) {
      const body = { ...e, prevHash: prev, data: e.seq === 6 ? { lag: 0 } : e.data }
      const hash = hashAuditEvent(body)
      forged.push({ ...body, hash })
      prev = hash
    }
    expect(verifyExport(forged, checkpoints, pem)).toMatchObject({ ok: false, firstBadSeq: 5 })
  })

  it('refuses a checkpoint signed by another key', async () => {
    const events = chain(3)
    const { checkpoints } = await sign(events, [3])
    const { pem: otherPem } = await sign(events, [3])
    expect(verifyExport(events, checkpoints, otherPem).reason).toMatch(/bad signature/)
  })

  it('names the first edited event when the chain itself breaks', async () => {
    const events = chain(5)
    const { checkpoints, pem } = await sign(events, [5])
    events[1] = { ...events[1]!, actor: 'mallory' }
    expect(verifyExport(events, checkpoints, pem)).toMatchObject({ ok: false, firstBadSeq: 2 })
  })
})
