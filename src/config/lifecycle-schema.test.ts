import { describe, expect, it } from 'vitest'
import { configSchema } from './schema.js'

const base = {
  dataDir: '.hourglass-test',
  dataKey: Buffer.alloc(32, 1).toString('base64'),
  policyDir: 'policies',
  catalogFile: 'catalog.json',
  auditSigningKeyFile: 'audit.key',
}

describe('lifecycle config', () => {
  it('refuses a lease that ends before a connector call can time out', () => {
    const bad = configSchema.safeParse({
      ...base,
      lifecycle: { leaseMs: 5_000, connectorTimeoutMs: 5_000 },
    })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toContain('lifecycle.leaseMs')
    const good = configSchema.safeParse({
      ...base,
      lifecycle: { leaseMs: 5_001, connectorTimeoutMs: 5_000 },
    })
    expect(good.error?.issues ?? []).toEqual([])
  })

  it('keeps revocation records an hour past their exp by default, and at least a minute', () => {
    expect(configSchema.parse(base).lifecycle.revocationRecordRetentionSeconds).toBe(3_600)
    const short = configSchema.safeParse({ ...base, lifecycle: { revocationRecordRetentionSeconds: 59 } })
    expect(short.error?.issues.map((i) => i.path.join('.'))).toEqual(['lifecycle.revocationRecordRetentionSeconds'])
    const minute = configSchema.parse({ ...base, lifecycle: { revocationRecordRetentionSeconds: 60 } })
    expect(minute.lifecycle.revocationRecordRetentionSeconds).toBe(60)
  })
})
