import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../src/app/reconcile-grants.js'
import { AUDIT_CSV_COLUMNS } from '../../src/audit/audit-csv.js'
import { canonicalLineHash } from '../../src/audit/verify-lines.js'
import { GENESIS_HASH, verifyAuditChain } from '../../src/domain/audit-event.js'
import { canonicalJson } from '../../src/domain/canonical-json.js'
import { range } from '../support/siem-receiver.js'
import { serveApp } from '../support/serve-app.js'
import { startTestWorld, type TestWorld } from '../support/test-runtime.js'

const run = promisify(execFile)
const BIN = path.resolve('bin/hourglass.js')
// Quotes, commas, a newline and a leading `=`: every CSV hazard in one justification.
const REASON = '=HYPERLINK("http://evil.example","fix"), orders down,\nsee "INC-7" for details'

let world: TestWorld
let server: { url: string; stop(): Promise<void> }
let head: number

beforeAll(async () => {
  world = await startTestWorld()
  server = await serveApp(world.runtime.app)
  const r = await world.as('bob').post('/v1/breakglass', { entitlementId: 'orders-write', incidentRef: 'INC-7', reason: REASON })
  expect(r.status).toBe(201)
  await runDueWork(world.runtime.deps)
  head = (await world.runtime.deps.store.audit.head()).seq
}, 60_000)
afterAll(async () => {
  await server.stop()
  await world.close()
})

async function exportAudit(...args: string[]): Promise<string> {
  const { stdout } = await run('node', [BIN, '--server', server.url, '--token', world.tokens.admin!, 'audit', 'export', ...args])
  return stdout
}

/** A strict RFC 4180 reader: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ }
      else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(cell); cell = '' }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++ }
    else cell += c
  }
  expect(quoted).toBe(false)
  expect(cell).toBe('')
  return rows
}

describe('hourglass audit export against a real server', () => {
  it('CSV: fixed columns, RFC 4180 quoting, and a justification that cannot run as a formula', async () => {
    const dir = world.dataDir
    const file = path.join(dir, 'audit.csv')
    await exportAudit('--format', 'csv', '--out', file)
    const rows = parseCsv(await readFile(file, 'utf8'))
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS])
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(range(head))
    for (const r of rows) expect(r).toHaveLength(AUDIT_CSV_COLUMNS.length)
    const used = rows.find((r) => r[3] === 'breakglass.used')!
    expect(used[7]).toBe(`'${REASON}`)
    expect(JSON.parse(used[8]!)).toMatchObject({ reason: REASON, incidentRef: 'INC-7' })
    // No cell of the export starts a formula.
    for (const r of rows) for (const c of r) expect(c).not.toMatch(/^[=+\-@\t\r]/)
  })

  it('JSONL: the events as stored, a chain that verifies, bounded by --from-seq/--to-seq', async () => {
    const lines = (await exportAudit()).trim().split('\n')
    const all = lines.map((l) => JSON.parse(l))
    expect(all.map((e) => e.seq)).toEqual(range(head))
    // Canonical lines, so `audit verify --file` hashes them from the text without parsing.
    let prevHash = GENESIS_HASH
    for (const [i, line] of lines.entries()) {
      expect(line).toBe(canonicalJson(JSON.parse(line)))
      expect(canonicalLineHash(line, i + 1, prevHash)).toBe(all[i].hash)
      prevHash = all[i].hash
    }
    expect(verifyAuditChain(all.map((e) => ({ ...e, at: new Date(e.at) })))).toMatchObject({ ok: true, lastSeq: head })
    const some = (await exportAudit('--format', 'jsonl', '--from-seq', '3', '--to-seq', '9')).trim().split('\n').map((l) => JSON.parse(l))
    expect(some.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9])
    expect((await exportAudit('--after', String(head - 2))).trim().split('\n')).toHaveLength(2)
  })

  it('OCSF: one event per line with its sequence, the grant subject named, no token anywhere', async () => {
    const text = await exportAudit('--format', 'ocsf')
    const lines = text.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.map((l) => l.metadata.sequence)).toEqual(range(head))
    expect(lines.find((l) => l.unmapped.type === 'breakglass.used')).toMatchObject({ class_uid: 6003, severity_id: 4, actor: { user: { uid: 'bob' } } })
    expect(lines.find((l) => l.unmapped.type === 'grant.activated')).toMatchObject({
      class_uid: 3005,
      activity_id: 1,
      user: { uid: 'bob' },
      privileges: ['orders-write'],
      metadata: { product: { name: 'Hourglass' } },
    })
    for (const token of Object.values(world.tokens)) expect(text).not.toContain(token)
  })

  it('refuses an unknown format with a clear error', async () => {
    await expect(exportAudit('--format', 'xml')).rejects.toMatchObject({ stderr: expect.stringContaining('--format must be one of jsonl, csv, ocsf') })
  })
})
