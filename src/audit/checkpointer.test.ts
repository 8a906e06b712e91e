import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { GENESIS_HASH, hashAuditEvent, type AuditCheckpoint, type AuditEvent } from '../domain/audit-event.js'
import { auditKeyId } from './audit-keys.js'
import { AuditCheckpointer } from './checkpointer.js'

function chain(n: number): AuditEvent[] {
  const out: AuditEvent[] = []
  let prev = GENESIS_HASH
  for (let seq = 1; seq <= n; seq++) {
    const e = { seq, id: `evt_${seq}`, at: new Date(seq * 1000), type: 'grant.revoked' as const, actor: 'system:w', requestId: null, grantId: null, data: { n: seq }, prevHash: prev }
    out.push({ ...e, hash: hashAuditEvent(e) })
    prev = out[out.length - 1]!.hash
  }
  return out
}

/** A checkpointer over an in-memory chain whose events and head the test may rewrite. */
function world(events: AuditEvent[], options: { everyEvents?: number; everySeconds?: number; deferWhile?: () => boolean } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const state = { events, head: { seq: events.length, hash: events.at(-1)?.hash ?? GENESIS_HASH }, saved: [] as AuditCheckpoint[], failures: [] as string[], reads: 0 }
  const store = {
    audit: {
      head: () => Promise.resolve(state.head),
      listCheckpoints: () => Promise.resolve(state.saved),
      insertCheckpoint: (c: AuditCheckpoint) => {
        state.saved.push(c)
        return Promise.resolve()
      },
      list: ({ afterSeq = 0, limit }: { afterSeq?: number; limit: number }) => {
        state.reads++
        return Promise.resolve(state.events.filter((e) => e.seq > afterSeq).slice(0, limit))
      },
    },
  }
  const key = { privateKey, publicKey, publicKeyPem: '', keyId: auditKeyId(publicKey) }
  let now = 100_000
  const checkpointer = new AuditCheckpointer({
    store: store as never,
    key,
    clock: { now: () => new Date(now) },
    file: undefined,
    everyEvents: options.everyEvents ?? 1,
    everySeconds: options.everySeconds ?? 1,
    ...(options.deferWhile ? { deferWhile: options.deferWhile } : {}),
    onFailure: (reason) => state.failures.push(reason),
  })
  return { state, checkpointer, advance: (ms: number) => (now += ms) }
}

describe('AuditCheckpointer verifies the segment it signs', () => {
  it('signs a head once when asked twice at once (a sweep and an evidence bundle)', async () => {
    const { state, checkpointer } = world(chain(1200))
    const [first, second] = await Promise.all([checkpointer.maybeCheckpoint(true), checkpointer.maybeCheckpoint(true)])
    expect(first).toMatchObject({ seq: 1200 })
    expect(second).toBeNull()
    expect(state.saved.map((c) => c.seq)).toEqual([1200])
  })

  it('signs an intact chain, reading a long backlog page by page', async () => {
    const { state, checkpointer } = world(chain(1200))
    expect(await checkpointer.maybeCheckpoint(true)).toMatchObject({ seq: 1200 })
    expect(state.reads).toBe(3)
    expect(state.failures).toEqual([])
    expect(await checkpointer.oldestUncoveredAt()).toBeNull()
  })

  it('withholds the checkpoint and reports when an event since the last one was edited', async () => {
    const events = chain(6)
    const { state, checkpointer } = world(events.slice(0, 3))
    await checkpointer.maybeCheckpoint(true)
    state.events = events.map((e) => (e.seq === 5 ? { ...e, actor: 'mallory' } : e))
    state.head = { seq: 6, hash: events[5]!.hash }
    expect(await checkpointer.maybeCheckpoint(true)).toBeNull()
    expect(state.failures).toEqual(['audit event seq 5: content does not match its hash'])
    expect(state.saved.map((c) => c.seq)).toEqual([3])
    expect(await checkpointer.oldestUncoveredAt()).toEqual(events[3]!.at)
  })

  it('withholds when the head fell behind the last checkpoint (a deleted tail)', async () => {
    const events = chain(5)
    const { state, checkpointer } = world(events)
    await checkpointer.maybeCheckpoint(true)
    state.events = events.slice(0, 3)
    state.head = { seq: 3, hash: events[2]!.hash }
    expect(await checkpointer.maybeCheckpoint(true)).toBeNull()
    expect(state.failures[0]).toMatch(/behind the last checkpoint.*removed/)
  })

  it('withholds when the head names a hash the events do not end in', async () => {
    const { state, checkpointer } = world(chain(4))
    state.head = { seq: 4, hash: 'f'.repeat(64) }
    expect(await checkpointer.maybeCheckpoint(true)).toBeNull()
    expect(state.failures[0]).toMatch(/head's hash does not match event seq 4/)
  })

  it('withholds when the head at the signed sequence number names another hash (a replaced tail)', async () => {
    const { state, checkpointer } = world(chain(4))
    await checkpointer.maybeCheckpoint(true)
    state.head = { seq: 4, hash: 'e'.repeat(64) }
    expect(await checkpointer.maybeCheckpoint(true)).toBeNull()
    expect(state.failures).toEqual(['the chain head at seq 4 differs from the signed checkpoint there'])
  })
})

describe('AuditCheckpointer waits while revocations are due', () => {
  it('defers a checkpoint due by its event count, up to everySeconds after the previous one', async () => {
    const events = chain(300)
    let revoking = true
    const { state, checkpointer, advance } = world(events.slice(0, 100), { everyEvents: 100, everySeconds: 60, deferWhile: () => revoking })
    expect(await checkpointer.maybeCheckpoint(true)).toMatchObject({ seq: 100 })
    state.events = events.slice(0, 250)
    state.head = { seq: 250, hash: events[249]!.hash }
    advance(5_000)
    expect(await checkpointer.maybeCheckpoint()).toBeNull()
    expect(state.saved.map((c) => c.seq)).toEqual([100])
    // Once nothing is due, the same call signs: the deferral is only a wait.
    revoking = false
    expect(await checkpointer.maybeCheckpoint()).toMatchObject({ seq: 250 })
    revoking = true
    state.events = events
    state.head = { seq: 300, hash: events[299]!.hash }
    advance(59_999)
    expect(await checkpointer.maybeCheckpoint()).toBeNull()
    // Never longer than the time cadence, however long the revocations last.
    advance(1)
    expect(await checkpointer.maybeCheckpoint()).toMatchObject({ seq: 300 })
  })

  it('never defers a forced checkpoint (an evidence bundle, shutdown)', async () => {
    const { checkpointer } = world(chain(150), { everyEvents: 100, everySeconds: 60, deferWhile: () => true })
    expect(await checkpointer.maybeCheckpoint(true)).toMatchObject({ seq: 150 })
  })
})
