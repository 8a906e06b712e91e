import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const BIN = path.resolve('bin/hourglass.js')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hourglass-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function hourglass(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { env: { ...process.env, ...env } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('local commands of the real CLI', () => {
  it('validates the shipped policies and runs their test cases', async () => {
    const valid = await hourglass(['policy', 'validate', '--json'])
    expect(valid.code).toBe(0)
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, policyHash: expect.stringMatching(/^[a-f0-9]{64}$/) })
    const tested = await hourglass(['policy', 'test', '--json'])
    expect(tested.code).toBe(0)
    const results = JSON.parse(tested.stdout) as Array<{ passed: boolean }>
    expect(results.length).toBeGreaterThan(20)
    expect(results.every((r) => r.passed)).toBe(true)
  })

  it('fails with the policy code when a case expects the wrong decision', async () => {
    const cases = path.join(dir, 'wrong.json')
    const shipped = (await import('../../policies/tests/default.json', { with: { type: 'json' } })).default as { cases: Array<{ expect: string | { decision: string } }> }
    const first = structuredClone(shipped)
    const one = first.cases[0]!
    const decision = typeof one.expect === 'string' ? one.expect : one.expect.decision
    one.expect = decision === 'allow' ? 'deny' : 'allow'
    first.cases = [one]
    await writeFile(cases, JSON.stringify(first))
    const res = await hourglass(['policy', 'test', cases])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('error [policy.invalid]')
  })

  it('prints the effective config with secrets redacted, and exits 78 on a bad one', async () => {
    const env = { HOURGLASS_DATA_DIR: dir, HOURGLASS_DATA_KEY: Buffer.alloc(32, 7).toString('base64') }
    const ok = await hourglass(['config', 'check'], env)
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ dataKey: '[redacted]', dataDir: dir })
    expect(ok.stdout).not.toContain(env.HOURGLASS_DATA_KEY)
    const bad = await hourglass(['config', 'check'], { ...env, HOURGLASS_PORT: 'not-a-port', HOURGLASS_DATABASE_URL: 'mysql://x' })
    expect(bad.code).toBe(78)
    expect(bad.stderr).toContain('listen.port')
    expect(bad.stderr).toContain('databaseUrl')
  })
})
