import { describe, expect, it } from 'vitest'
import { GENESIS_HASH, hashAuditEvent, verifyAuditChain, type AuditEvent } from './audit-event.js'
import { canonicalJson } from './canonical-json.js'

function chain(n: number): AuditEvent[] {
  const out: AuditEvent[] = []
  let prev = GENESIS_HASH
  for (let seq = 1; seq <= n; seq++) {
    const e = { seq, id: `evt_${seq}`, at: new Date(seq * 1000), type: 'request.submitted' as const, actor: 'alice', requestId: `req_${seq}`, grantId: null, data: { n: seq }, prevHash: prev }
    const hash = hashAuditEvent(e)
    out.push({ ...e, hash })
    prev = hash
  }
  return out
}

describe('audit chain', () => {
  it('verifies an intact chain', () => {
    expect(verifyAuditChain(chain(5))).toMatchObject({ ok: true, count: 5, lastSeq: 5 })
  })
  it('names the first edited event', () => {
    const c = chain(5)
    c[2] = { ...c[2]!, actor: 'mallory' }
    expect(verifyAuditChain(c)).toMatchObject({ ok: false, firstBadSeq: 3 })
  })
  it('detects a re-hashed edit at the next event', () => {
    const c = chain(5)
    const edited = { ...c[2]!, actor: 'mallory' }
    c[2] = { ...edited, hash: hashAuditEvent(edited) }
    expect(verifyAuditChain(c)).toMatchObject({ ok: false, firstBadSeq: 4 })
  })
  it('detects a removed event and a reorder', () => {
    const c = chain(5)
    expect(verifyAuditChain([c[0]!, c[2]!])).toMatchObject({ ok: false, firstBadSeq: 3 })
    expect(verifyAuditChain([c[1]!, c[0]!])).toMatchObject({ ok: false })
  })
})

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 0 }] } })).toBe('{"a":{"c":[2,{"y":0,"z":1}]},"b":1}')
  })
  it('encodes dates as ISO strings, equal to their JSON round trip', () => {
    const d = new Date(1_700_000_000_000)
    expect(canonicalJson({ at: d })).toBe(canonicalJson(JSON.parse(JSON.stringify({ at: d }))))
  })
})
