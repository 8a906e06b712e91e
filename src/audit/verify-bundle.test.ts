import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  checkpointPayload,
  GENESIS_HASH,
  hashAuditEvent,
  type AuditEvent,
  type AuditEventType,
} from '../domain/audit-event.js'
import {
  deriveDecisions,
  deriveReviews,
  EVIDENCE_FORMAT,
  evidenceKindOf,
  inclusionPayload,
  publicKeyFingerprint,
  type EvidenceBundle,
} from '../domain/evidence.js'
import { auditKeyId } from './audit-keys.js'
import { escapeHtml, renderEvidenceHtml } from './evidence-html.js'
import { parseBundle, verifyBundle } from './verify-bundle.js'

const decision = { allowed: true, policyHash: 'p1', determiningPolicies: ['owner-review'], obligations: { approvals: 1 }, reasons: [] }

/** A chain where request r1's events are interleaved with another request's. */
function chain(): AuditEvent[] {
  const plan: Array<[AuditEventType, string, string | null, Record<string, unknown>]> = [
    ['request.submitted', 'alice', 'r1', { decision }],
    ['request.submitted', 'bob', 'r2', { decision, justification: 'secret of r2' }],
    ['review.recorded', 'olivia', 'r1', { verdict: 'approve', comment: '<b>ok</b>', reviewerIsOwner: true, decision }],
    ['request.approved', 'olivia', 'r1', {}],
    ['grant.activated', 'system:w', 'r1', { decision }],
    ['grant.scheduled', 'system:w', 'r2', {}],
    ['grant.revoked', 'system:w', 'r1', { reason: 'expired', verification: 'gone' }],
    ['grant.activated', 'system:w', 'r2', {}],
  ]
  const events: AuditEvent[] = []
  let prevHash = GENESIS_HASH
  plan.forEach(([type, actor, requestId, data], i) => {
    const e = { seq: i + 1, id: `evt_${i + 1}`, at: new Date(Date.UTC(2026, 0, 1, 0, i)), type, actor, requestId, grantId: null, data, prevHash }
    const hash = hashAuditEvent(e)
    events.push({ ...e, hash })
    prevHash = hash
  })
  return events
}

const keys = generateKeyPairSync('ed25519')
const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()
const keyId = auditKeyId(keys.publicKey)
const sig = (payload: string) => sign(null, Buffer.from(payload), keys.privateKey).toString('base64url')

function bundle(): EvidenceBundle {
  const events = chain()
  const items = events.filter((e) => e.requestId === 'r1').map((event) => ({ kind: evidenceKindOf(event.type), seq: event.seq, hash: event.hash, event }))
  const head = events[events.length - 1]!
  const cp = { seq: head.seq, hash: head.hash, at: new Date(Date.UTC(2026, 0, 2)), keyId }
  const inclusion = {
    requestId: 'r1',
    items: items.map((i) => ({ seq: i.seq, kind: i.kind, hash: i.hash, prevHash: i.event.prevHash })),
    checkpoint: { seq: cp.seq, hash: cp.hash },
    foreignEvents: events.length - items.length,
    at: cp.at,
    keyId,
  }
  // A JSON round trip, as the CLI writes and reads it.
  return parseBundle(JSON.stringify({
    format: EVIDENCE_FORMAT,
    generatedAt: cp.at,
    requestId: 'r1',
    request: { id: 'r1', requesterId: 'alice', justification: '<script>alert(1)</script>' },
    items,
    decisions: deriveDecisions(items),
    reviews: deriveReviews(items),
    checkpoint: { ...cp, signature: sig(checkpointPayload(cp)) },
    inclusion: { ...inclusion, signature: sig(inclusionPayload(inclusion)) },
    status: 'checkpointed',
    publicKey: { pem, fingerprint: publicKeyFingerprint(pem), keyId },
  }))
}

const item = (b: EvidenceBundle, kind: string) => b.items.find((i) => i.kind === kind)!

describe('verifyBundle', () => {
  it('accepts an untouched bundle, with the given or the embedded key', () => {
    const given = verifyBundle(bundle(), { publicKeyPem: pem })
    expect(given).toMatchObject({ ok: true, status: 'verified', keySource: 'given', items: 5, inclusion: 'attested', failure: null })
    expect(verifyBundle(bundle())).toMatchObject({ ok: true, keySource: 'embedded', keyFingerprint: publicKeyFingerprint(pem) })
  })

  it('proves inclusion against a full chain export, and names an item that is not in it', () => {
    expect(verifyBundle(bundle(), { publicKeyPem: pem, chain: chain() })).toMatchObject({ ok: true, inclusion: 'proven' })
    const other = chain().map((e) => (e.seq === 7 ? { ...e, hash: 'f'.repeat(64) } : e))
    expect(verifyBundle(bundle(), { publicKeyPem: pem, chain: other }).failure?.item).toBe('chain export seq 7')
  })

  it('names an item whose decision was changed', () => {
    const b = bundle()
    ;(item(b, 'review').event.data.decision as { allowed: boolean }).allowed = false
    expect(verifyBundle(b, { publicKeyPem: pem }).failure).toMatchObject({ item: 'review seq 3', reason: expect.stringContaining('does not match its hash') })
  })

  it('names an item that was changed and re-hashed (against the signed statement)', () => {
    const b = bundle()
    const review = item(b, 'review')
    review.event.actor = 'mallory'
    review.event.hash = hashAuditEvent(review.event)
    review.hash = review.event.hash
    b.reviews = deriveReviews(b.items)
    expect(verifyBundle(b, { publicKeyPem: pem }).failure).toMatchObject({ item: 'review seq 3', reason: expect.stringContaining('replaced') })
  })

  it('names a removed revocation item', () => {
    const b = bundle()
    b.items = b.items.filter((i) => i.kind !== 'revocation')
    expect(verifyBundle(b, { publicKeyPem: pem }).failure).toMatchObject({ item: 'revocation seq 7', reason: expect.stringContaining('missing') })
  })

  it('names a summary that disagrees with its item', () => {
    const b = bundle()
    b.reviews[0]!.reviewerId = 'mallory'
    expect(verifyBundle(b, { publicKeyPem: pem }).failure?.item).toBe('review seq 3')
    const c = bundle()
    c.decisions[1]!.policyHash = 'forged'
    expect(verifyBundle(c, { publicKeyPem: pem }).failure?.item).toBe('decision seq 3')
  })

  it('names a link broken between adjacent items', () => {
    const b = bundle()
    const approval = item(b, 'approval')
    approval.event.prevHash = '1'.repeat(64)
    approval.event.hash = hashAuditEvent(approval.event)
    approval.hash = approval.event.hash
    expect(verifyBundle(b, { publicKeyPem: pem }).failure).toMatchObject({ item: 'approval seq 4', reason: expect.stringContaining('replaced') })
    // Without a signed statement to compare with, the chain link itself catches it.
    b.checkpoint = null
    b.inclusion = null
    b.status = 'not_yet_checkpointed'
    expect(verifyBundle(b, { publicKeyPem: pem }).failure).toMatchObject({ item: 'approval seq 4', reason: 'does not link to seq 3' })
  })

  it('names the checkpoint when its signature is swapped or the key is wrong', () => {
    const b = bundle()
    b.checkpoint!.signature = b.inclusion!.signature
    expect(verifyBundle(b, { publicKeyPem: pem }).failure).toMatchObject({ item: 'checkpoint seq 8', reason: expect.stringContaining('signature') })
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString()
    expect(verifyBundle(bundle(), { publicKeyPem: other }).failure).toMatchObject({ item: 'checkpoint seq 8', reason: expect.stringContaining('not by the verifying key') })
  })

  it('names the inclusion statement when it was altered', () => {
    const b = bundle()
    b.inclusion!.foreignEvents = 0
    expect(verifyBundle(b, { publicKeyPem: pem }).failure?.item).toBe('inclusion statement')
  })

  it('reports "not yet checkpointed" distinctly, after checking the items', () => {
    const b = bundle()
    b.checkpoint = null
    b.inclusion = null
    b.status = 'not_yet_checkpointed'
    expect(verifyBundle(b, { publicKeyPem: pem })).toMatchObject({ ok: false, status: 'not_yet_checkpointed', failure: null })
    item(b, 'request').event.actor = 'mallory'
    expect(verifyBundle(b, { publicKeyPem: pem })).toMatchObject({ status: 'invalid', failure: { item: 'request seq 1' } })
  })

  it('fails a malformed bundle without throwing', () => {
    expect(verifyBundle({ ...bundle(), items: [{} as never] }, { publicKeyPem: pem }).failure?.item).toBe('bundle')
    expect(verifyBundle(bundle(), { publicKeyPem: 'not a key' }).failure?.item).toBe('public key')
  })
})

describe('renderEvidenceHtml', () => {
  it('escapes every user string', () => {
    const html = renderEvidenceHtml(bundle())
    expect(html).not.toContain('<script>alert(1)')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<b>ok</b>')
    expect(html).not.toContain('secret of r2')
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;')
  })
})
