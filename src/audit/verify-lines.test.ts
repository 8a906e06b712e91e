import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { checkpointPayload, GENESIS_HASH, hashAuditEvent, type AuditCheckpoint, type AuditEvent } from '../domain/audit-event.js'
import { canonicalJson } from '../domain/canonical-json.js'
import type { SignatureMode } from './checkpoint-signatures.js'
import { lineBatches } from './line-batches.js'
import { parseExportedEvent, verifyExport } from './verify-chain.js'
import { canonicalLineHash, verifyExportLineArray, verifyExportLines } from './verify-lines.js'

const KEYS = generateKeyPairSync('ed25519')
const PEM = KEYS.publicKey.export({ type: 'spki', format: 'pem' }).toString()
const OTHER = generateKeyPairSync('ed25519')

/** Strings and keys that look like the top-level members the line verifier looks for. */
const TRICKY = ['","hash":"' + 'a'.repeat(64) + '"', ',"seq":7,', '","prevHash":"' + '0'.repeat(64), ',"id":"x"', '\\"}', '"}', 'é𝄞\u2028', '\u0000']

function dataFor(seq: number): Record<string, unknown> {
  const tricky = TRICKY[seq % TRICKY.length]!
  // As stored: the canonical text parsed back.
  return JSON.parse(
    canonicalJson({
      hash: 'f'.repeat(64),
      id: `inner_${seq}`,
      prevHash: tricky,
      seq: seq * 2,
      note: tricky,
      nested: { hash: tricky, seq: 1, type: 'x', list: [{ prevHash: 'b'.repeat(64) }] },
    }),
  ) as Record<string, unknown>
}

function chain(n: number, data: (seq: number) => Record<string, unknown> = dataFor): AuditEvent[] {
  const out: AuditEvent[] = []
  let prevHash = GENESIS_HASH
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      seq,
      id: `evt_${seq}`,
      at: new Date(Date.UTC(2026, 0, 1) + seq * 1000),
      type: 'grant.revoked' as const,
      actor: 'system:w',
      requestId: seq % 3 === 0 ? null : `req_${seq}`,
      grantId: seq % 2 === 0 ? null : `grt_${seq}`,
      data: data(seq),
      prevHash,
    }
    out.push({ ...e, hash: hashAuditEvent(e) })
    prevHash = out[out.length - 1]!.hash
  }
  return out
}

function checkpoint(seq: number, hash: string, key = KEYS.privateKey): AuditCheckpoint {
  const unsigned = { seq, hash, at: new Date(Date.UTC(2026, 0, 2) + seq), keyId: 'test' }
  return { ...unsigned, signature: sign(null, Buffer.from(checkpointPayload(unsigned)), key).toString('base64url') }
}

function checkpointsEvery(events: AuditEvent[], every: number): AuditCheckpoint[] {
  return events.filter((e) => e.seq % every === 0).map((e) => checkpoint(e.seq, e.hash))
}

const exported = (events: AuditEvent[]) => events.map((e) => canonicalJson(e))

type Outcome = Awaited<ReturnType<typeof verifyExport>> | { threw: true }

/** What `audit verify --file` reported before: parse every non-blank line, then verifyExport. */
function reference(lines: string[], cps: AuditCheckpoint[], pem = PEM): Outcome {
  try {
    return verifyExport(lines.filter((l) => l.trim() !== '').map(parseExportedEvent), cps, pem)
  } catch {
    return { threw: true }
  }
}

async function viaLines(lines: string[], cps: AuditCheckpoint[], pem = PEM, signatures: SignatureMode = 'inline'): Promise<Outcome> {
  try {
    return await verifyExportLineArray(lines, cps, pem, { signatures })
  } catch {
    return { threw: true }
  }
}

async function expectSame(lines: string[], cps: AuditCheckpoint[], pem = PEM): Promise<Outcome> {
  const expected = reference(lines, cps, pem)
  expect(await viaLines(lines, cps, pem)).toEqual(expected)
  return expected
}

describe('canonical lines: hashed from the text', () => {
  const events = chain(40)
  const lines = exported(events)

  it('finds the top-level hash, prevHash and seq although data holds look-alikes', () => {
    let prev = GENESIS_HASH
    for (const [i, line] of lines.entries()) {
      expect(line).toContain('"hash":"' + 'f'.repeat(64))
      expect(canonicalLineHash(line, i + 1, prev)).toBe(events[i]!.hash)
      prev = events[i]!.hash
    }
  })

  it('refuses lines not in canonical form, a wrong seq or a wrong predecessor', () => {
    const e = events[4]!
    expect(canonicalLineHash(JSON.stringify(e), 5, e.prevHash)).toBeNull()
    expect(canonicalLineHash(JSON.stringify(JSON.parse(lines[4]!), null, 1), 5, e.prevHash)).toBeNull()
    expect(canonicalLineHash(lines[4]!.replace('{', '{ '), 5, e.prevHash)).toBeNull()
    expect(canonicalLineHash(lines[4]!, 6, e.prevHash)).toBeNull()
    expect(canonicalLineHash(lines[4]!, 5, GENESIS_HASH)).toBeNull()
  })

  it('verifies an intact export without parsing the lines a checkpoint covers', async () => {
    const cps = checkpointsEvery(events, 10)
    const parse = vi.spyOn(JSON, 'parse')
    try {
      const report = await verifyExportLineArray(lines, cps, PEM)
      expect(report).toEqual({ ok: true, events: 40, lastSeq: 40, checkpointsChecked: 4, firstBadSeq: null, reason: null })
      expect(parse).not.toHaveBeenCalled()
    } finally {
      parse.mockRestore()
    }
    expect(reference(lines, cps)).toMatchObject({ ok: true, events: 40, checkpointsChecked: 4 })
  })

  it('a changed byte anywhere in a line fails at that line, as verifyExport does', async () => {
    const cps = checkpointsEvery(events, 10)
    const k = 17
    const line = lines[k - 1]!
    // JSON.parse reads `at` through new Date(), which takes other spellings of the same instant
    // ("T" as a space): verifyExport accepts those, and so must this verifier.
    const at = line.indexOf('"at":"') + 6
    for (let p = 0; p < line.length; p++) {
      for (const c of ['"', 'x']) {
        if (line[p] === c) continue
        const tampered = [...lines]
        tampered[k - 1] = line.slice(0, p) + c + line.slice(p + 1)
        const expected = await expectSame(tampered, cps)
        // Either the line no longer parses (both refuse) or the chain breaks at it, or at the
        // next line when the tampered byte was its own hash or seq.
        if ('threw' in expected || (expected.ok && p >= at && p < at + 24)) continue
        expect(expected.ok).toBe(false)
        // undefined: the tampered byte was in the name `seq`, so the line has none.
        expect([k, k + 1, undefined]).toContain(expected.firstBadSeq)
      }
    }
  })

  it('gaps, reorders, splices, duplicates and a cut tail', async () => {
    const cps = checkpointsEvery(events, 10)
    const without = (i: number) => lines.filter((_, j) => j !== i)
    expect(await expectSame(without(12), cps)).toMatchObject({ ok: false, firstBadSeq: 14 })
    const swapped = [...lines]
    ;[swapped[20], swapped[21]] = [swapped[21]!, swapped[20]!]
    expect(await expectSame(swapped, cps)).toMatchObject({ ok: false, firstBadSeq: 22 })
    const other = exported(chain(40, (seq) => ({ other: seq })))
    expect(await expectSame([...lines.slice(0, 25), ...other.slice(25)], cps)).toMatchObject({ ok: false, firstBadSeq: 26 })
    expect(await expectSame([...lines.slice(0, 8), lines[7]!, ...lines.slice(8)], cps)).toMatchObject({ ok: false, firstBadSeq: 8 })
    expect(await expectSame(lines.slice(0, 35), cps)).toMatchObject({ ok: false, firstBadSeq: 36, reason: expect.stringMatching(/removed/) })
    expect(await expectSame(lines.slice(0, 30), cps.slice(0, 3))).toMatchObject({ ok: true, events: 30 })
  })

  it('a history rewritten and re-hashed fails after the last matching checkpoint', async () => {
    const cps = checkpointsEvery(events, 10)
    const forged = chain(40, (seq) => (seq > 23 ? { forged: seq } : dataFor(seq)))
    expect(await expectSame(exported(forged), cps)).toMatchObject({ ok: false, firstBadSeq: 21 })
  })

  it('checkpoints that name no line (seq 0, a fraction, text) are judged as verifyExport does', async () => {
    const cps = checkpointsEvery(events, 10)
    const odd = (seq: unknown) => {
      const unsigned = { seq: seq as number, hash: events[9]!.hash, at: new Date(0), keyId: 'test' }
      return { ...unsigned, signature: sign(null, Buffer.from(checkpointPayload(unsigned)), KEYS.privateKey).toString('base64url') }
    }
    for (const seq of [0, 10.5, '10', '11']) await expectSame(lines, [...cps, odd(seq)])
  })

  it('bad signatures, a foreign key, a checkpoint beyond the end, on the worker too', async () => {
    const cps = checkpointsEvery(events, 10)
    const bad = cps.map((cp, i) => (i === 2 ? checkpoint(cp.seq, cp.hash, OTHER.privateKey) : cp))
    const otherPem = OTHER.publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const beyond = [...cps, checkpoint(45, 'c'.repeat(64))]
    for (const [c, pem] of [[bad, PEM], [cps, otherPem], [beyond, PEM]] as const) {
      const expected = reference(lines, [...c], pem)
      expect(expected).toMatchObject({ ok: false })
      expect(await viaLines(lines, [...c], pem, 'worker')).toEqual(expected)
      expect(await viaLines(lines, [...c], pem, 'inline')).toEqual(expected)
    }
    expect(await viaLines(lines, cps, PEM, 'worker')).toEqual(reference(lines, cps))
    expect(await viaLines(lines, cps, 'not a key', 'worker')).toEqual({ threw: true })
  })
})

describe('lines in other forms take the exact path', () => {
  const events = chain(30)
  const cps = checkpointsEvery(events, 10)

  it('store key order, indentation, extra members, CRLF and blank lines verify as before', async () => {
    const forms = [
      events.map((e) => JSON.stringify(e)),
      events.map((e) => JSON.stringify(e, null, 0).replace('{', '{ ')),
      events.map((e) => canonicalJson({ ...e, zzz: 1 })),
      events.map((e) => canonicalJson(e) + '\r'),
      exported(events).flatMap((l) => [l, '', '  ']),
    ]
    for (const lines of forms) expect(await expectSame(lines, cps)).toMatchObject({ ok: true, events: 30, checkpointsChecked: 3 })
  })

  it('a forged line hashed as written, not canonically, fails where verifyExport says', async () => {
    // A forger may hash his own non-canonical bytes: only a checkpoint can vouch for the text,
    // so lines it does not cover are parsed. Before a checkpoint, and as the last line with
    // and without checkpoints before it (the unsigned tail).
    const forge = (k: number) => {
      const lines = exported(events)
      const body = lines[k - 1]!.replace(/,"hash":"[0-9a-f]{64}"/, '').replace('{', '{ ')
      const hash = createHash('sha256').update(body).digest('hex')
      lines[k - 1] = body.replace(/,"id":"(?![\s\S]*,"id":")/, `,"hash":"${hash}","id":"`)
      if (k < lines.length) lines[k] = lines[k]!.replace(events[k - 1]!.hash, hash)
      return lines
    }
    for (const [k, signed] of [[14, cps], [30, cps.slice(0, 2)], [30, []]] as const) {
      const lines = forge(k)
      expect(await expectSame(lines, [...signed])).toMatchObject({ ok: false, firstBadSeq: k })
    }
  })

  it('the hash member moved into a string or into data of a signed line: refused as before', async () => {
    // The rest still hashes right and a checkpoint still matches; only parsing can tell.
    const lines = exported(events)
    const line = lines[13]!
    const member = /,"hash":"[0-9a-f]{64}"/.exec(line)![0]
    const cut = line.replace(member, '')
    const inId = cut.lastIndexOf('"evt_14"') + 4
    lines[13] = cut.slice(0, inId) + member + cut.slice(inId)
    expect(reference(lines, cps)).toEqual({ threw: true })
    expect(await viaLines(lines, cps)).toEqual({ threw: true })
    // Before an `id` nested in data: valid JSON, but the hash is then data's, not the event's.
    const nested = chain(30, (seq) => ({ a: seq, id: `inner_${seq}` }))
    const other = exported(nested)
    const plain = other[13]!.replace(member.replace(events[13]!.hash, nested[13]!.hash), '')
    const inData = plain.indexOf(',"id":"inner_14"')
    other[13] = plain.slice(0, inData) + member.replace(events[13]!.hash, nested[13]!.hash) + plain.slice(inData)
    expect(other[13]).not.toBe(exported(nested)[13])
    expect(await expectSame(other, checkpointsEvery(nested, 10))).toMatchObject({ ok: false, firstBadSeq: 14 })
  })

  it('no checkpoints: every line is checked exactly', async () => {
    expect(await expectSame(exported(events), [])).toMatchObject({ ok: true, events: 30, checkpointsChecked: 0 })
  })
})

describe('from a file', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hg-verify-lines-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads a file bigger than one read, multi-byte characters across the reads', async () => {
    const big = 'é𝄞'.repeat(700)
    const events = chain(1200, (seq) => ({ big, seq }))
    const file = path.join(dir, 'events.jsonl')
    await writeFile(file, exported(events).join('\n'))
    const cps = checkpointsEvery(events, 100)
    const report = await verifyExportLines(() => lineBatches(file), cps, PEM)
    expect(report).toEqual({ ok: true, events: 1200, lastSeq: 1200, checkpointsChecked: 12, firstBadSeq: null, reason: null })
    const lines = exported(events)
    lines[649] = lines[649]!.replace('"seq":650}', '"seq":651}')
    await writeFile(file, lines.join('\n') + '\n')
    expect(await verifyExportLines(() => lineBatches(file), cps, PEM)).toEqual(reference(lines, cps))
  })
})

describe('property: the line verifier reports what verifyExport reports', () => {
  const value = fc.oneof(
    fc.constantFrom(...TRICKY, null, true, 0, -1.5, 1e21),
    fc.string(),
    fc.integer(),
  )
  const data = fc.dictionary(fc.oneof(fc.constantFrom('hash', 'prevHash', 'seq', 'id', 'type', 'data'), fc.string()), fc.oneof(value, fc.dictionary(fc.string(), value)), { maxKeys: 5 })
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), line: fc.nat(), at: fc.nat(), char: fc.constantFrom('"', '\\', '{', '}', ',', ':', '0', '9', 'a', 'f', ' ', 'é') }),
    fc.record({ kind: fc.constantFrom('drop' as const, 'swap' as const, 'duplicate' as const, 'forge' as const, 'none' as const), line: fc.nat(), at: fc.nat(), char: fc.constant('') }),
  )

  it('for random chains and one random mutation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(data, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 8 }), mutation, async (datas, every, m) => {
        const events = chain(datas.length, (seq) => JSON.parse(canonicalJson(datas[seq - 1])) as Record<string, unknown>)
        const cps = checkpointsEvery(events, every)
        const lines = exported(events)
        const k = m.line % lines.length
        const line = lines[k]!
        if (m.kind === 'byte') lines[k] = line.slice(0, m.at % line.length) + m.char + line.slice((m.at % line.length) + 1)
        else if (m.kind === 'drop') lines.splice(k, 1)
        else if (m.kind === 'swap' && k + 1 < lines.length) [lines[k], lines[k + 1]] = [lines[k + 1]!, line]
        else if (m.kind === 'duplicate') lines.splice(k, 0, line)
        else if (m.kind === 'forge') {
          // Re-hash a non-canonical version of the line's own body, and relink the next line.
          const body = line.replace(/,"hash":"[0-9a-f]{64}"(?=,"id":")/, '').replace('{', '{\t')
          const hash = createHash('sha256').update(body).digest('hex')
          lines[k] = body.replace(/,"id":"(?![\s\S]*,"id":")/, `,"hash":"${hash}","id":"`)
          if (k + 1 < lines.length) lines[k + 1] = lines[k + 1]!.replace(events[k]!.hash, hash)
        }
        const expected = reference(lines, cps)
        expect(await viaLines(lines, cps)).toEqual(expected)
      }),
      { numRuns: 400 },
    )
  })
})
