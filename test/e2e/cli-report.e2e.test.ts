import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../src/app/reconcile-grants.js'
import type { GovernanceReport } from '../../src/domain/governance-report.js'
import { embeddedReport } from '../support/hostile-report.js'
import { serveApp } from '../support/serve-app.js'
import { startTestWorld, type TestWorld } from '../support/test-runtime.js'

const run = promisify(execFile)
const BIN = path.resolve('bin/hourglass.js')
const WHY = 'Investigate order 1234 for a customer ticket'

let world: TestWorld
let server: { url: string; stop(): Promise<void> }
let period: string[]

/** The real CLI (built dist/) against a real HTTP server over a test world. */
async function hourglass(who: string, args: string[]) {
  const env = {
    ...process.env,
    HOURGLASS_URL: server.url,
    HOURGLASS_TOKEN: world.tokens[who] ?? '',
  }
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

beforeAll(async () => {
  world = await startTestWorld()
  const from = world.clock.now()
  // Two low-risk grants revoked 120 ms and 2 s after expiry.
  for (const lag of [120, 2000]) {
    const r = await world
      .as('alice')
      .post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, duration: '10m' })
    await runDueWork(world.runtime.deps)
    // Read after issuance: the credential's whole-second expiry becomes the grant's.
    const issued = await world.as('alice').get(`/v1/grants/${r.body.grant.id}`)
    world.clock.set(new Date(Date.parse(issued.body.expiresAt) + lag))
    await runDueWork(world.runtime.deps)
  }
  period = [
    '--from',
    from.toISOString(),
    '--to',
    new Date(world.clock.now().getTime() + 1).toISOString(),
  ]
  server = await serveApp(world.runtime.app)
})
afterAll(async () => {
  await server.stop()
  await world.close()
})

describe('hourglass report', () => {
  it('--format json prints the API report', async () => {
    const res = await hourglass('admin', ['report', ...period, '--format', 'json'])
    expect(res.code).toBe(0)
    const report = JSON.parse(res.stdout) as GovernanceReport
    expect(report.overall.revocation.lag).toEqual({
      count: 2,
      p50Ms: 120,
      p95Ms: 2000,
      p99Ms: 2000,
      maxMs: 2000,
    })
    const global = await hourglass('sam', ['--json', 'report', ...period])
    expect(JSON.parse(global.stdout)).toEqual(report)
  })

  it('--format table prints every section for a terminal', async () => {
    const res = await hourglass('admin', ['report', ...period])
    expect(res.code).toBe(0)
    for (const title of [
      'Revocation',
      'Requested vs granted vs used',
      'Reviewers',
      'Time to access',
      'Coverage',
      'Slices',
    ]) {
      expect(res.stdout).toContain(`== ${title} ==`)
    }
    expect(res.stdout).toMatch(/revocation lag\s+2\s+120 ms\s+2\.0 s/)
  })

  it('--format html --out writes one self-contained file with the data and chart.js', async () => {
    const file = path.join(world.dataDir, 'report.html')
    const res = await hourglass('admin', ['report', ...period, '--format', 'html', '--out', file])
    expect(res.code).toBe(0)
    expect(res.stdout).toBe('')
    expect(res.stderr).toContain(`wrote the html report to ${file}`)
    const html = await readFile(file, 'utf8')
    const json = JSON.parse(
      (await hourglass('admin', ['report', ...period, '--format', 'json'])).stdout,
    ) as GovernanceReport
    expect(embeddedReport(html)).toEqual(json)
    expect(html.includes('Chart.js v4.6.1')).toBe(true)
    expect(html.match(/<script\b/gi)).toHaveLength(3)
    expect(/<script[^>]*\ssrc=/i.test(html)).toBe(false)
  })

  it('refuses people outside admins and security, a bad period and an unknown format, with exit codes', async () => {
    const alice = await hourglass('alice', ['report'])
    expect([alice.code, alice.stderr]).toEqual([
      4,
      expect.stringContaining('error [auth.forbidden]'),
    ])
    const backwards = await hourglass('admin', [
      'report',
      '--from',
      '2026-11-02',
      '--to',
      '2026-11-01',
    ])
    expect([backwards.code, backwards.stderr]).toEqual([
      2,
      expect.stringContaining('error [input.invalid]'),
    ])
    const pdf = await hourglass('admin', ['report', '--format', 'pdf'])
    expect([pdf.code, pdf.stderr]).toEqual([
      2,
      expect.stringContaining('--format must be one of table, json, html'),
    ])
  })
})
