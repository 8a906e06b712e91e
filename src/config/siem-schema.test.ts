import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { siemSchema } from './siem-schema.js'

const KEY = 'whsec_' + Buffer.alloc(32, 5).toString('base64')
const sink = (secret: unknown, extra: Record<string, unknown> = {}) => ({
  sinks: [{ name: 'soc', url: 'https://siem.example.com/in', secret, ...extra }],
})
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  delete process.env.HG_TEST_SIEM_SECRET
})

describe('siem config', () => {
  it('takes the secret inline, from the environment or from a file, and never prints it', () => {
    process.env.HG_TEST_SIEM_SECRET = KEY
    const dir = mkdtempSync(path.join(tmpdir(), 'hg-siem-'))
    dirs.push(dir)
    const file = path.join(dir, 'secret')
    writeFileSync(file, KEY + '\n')
    for (const secret of [KEY, { fromEnv: 'HG_TEST_SIEM_SECRET' }, { fromFile: file }]) {
      const parsed = siemSchema.parse(sink(secret))
      expect(parsed.sinks[0]?.secret.reveal()).toBe(KEY)
      expect(JSON.stringify(parsed)).not.toContain(KEY)
      expect(parsed.sinks[0]).toMatchObject({ format: 'jsonl', batchSize: 500 })
    }
  })

  it('lists every problem: an unset variable, a missing file, a weak key, a duplicate name', () => {
    const result = siemSchema.safeParse({
      sinks: [
        { name: 'a', url: 'https://x.example', secret: { fromEnv: 'HG_TEST_SIEM_SECRET' } },
        { name: 'b', url: 'https://x.example', secret: { fromFile: '/nonexistent/secret' } },
        { name: 'c', url: 'https://x.example', secret: 'short' },
        { name: 'c', url: 'ftp://x.example', secret: KEY, format: 'xml' },
      ],
    })
    expect(result.success).toBe(false)
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')
    expect(messages).toContain('sinks.0.secret: environment variable HG_TEST_SIEM_SECRET is not set')
    expect(messages).toContain('sinks.1.secret: file /nonexistent/secret is missing or empty')
    expect(messages).toContain('sinks.2.secret: must be whsec_<base64> or at least 16 bytes')
    expect(messages).toContain('sinks.3.url')
    expect(messages).toContain('sinks.3.format')
  })

  it('refuses duplicate sink names (they would share one cursor)', () => {
    const twice = { name: 'soc', url: 'https://x.example', secret: KEY }
    expect(siemSchema.safeParse({ sinks: [twice, twice] }).error?.issues[0]?.message).toBe('sink names must be unique')
  })
})
