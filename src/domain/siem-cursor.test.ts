import { describe, expect, it } from 'vitest'
import { ackSiemCursor, claimSiemCursor, failSiemCursor, newSiemCursor, siemBlock } from './siem-cursor.js'

const T = new Date('2026-11-23T09:00:00Z')
const at = (ms: number) => new Date(T.getTime() + ms)

describe('SIEM sink cursor', () => {
  it('blocks other owners while the lease runs, and nobody once it lapsed', () => {
    const c = claimSiemCursor(newSiemCursor('s'), 'p1', at(30_000))
    expect(siemBlock(c, 'p2', at(29_999))).toBe('leased')
    expect(siemBlock(c, 'p1', at(1))).toBeNull()
    expect(siemBlock(c, 'p2', at(30_000))).toBeNull()
  })

  it('backs off after failures with capped jitter and releases the lease', () => {
    let c = claimSiemCursor(newSiemCursor('s'), 'p1', at(30_000))
    c = failSiemCursor(c, 'down', T, { baseMs: 1000, capMs: 4000 }, 0.5)
    expect(c).toMatchObject({ failures: 1, leaseOwner: null, lastError: 'down', nextAttemptAt: at(750) })
    expect(siemBlock(c, 'p1', at(749))).toBe('backoff')
    c = failSiemCursor(c, 'down', T, { baseMs: 1000, capMs: 4000 }, 0.999)
    c = failSiemCursor(c, 'down', T, { baseMs: 1000, capMs: 4000 }, 0.999)
    c = failSiemCursor(c, 'down', T, { baseMs: 1000, capMs: 4000 }, 0.999)
    expect(c.nextAttemptAt!.getTime() - T.getTime()).toBeLessThan(4000)
  })

  it('an acknowledgement moves the cursor forward only, and clears the failure state', () => {
    const failed = failSiemCursor(newSiemCursor('s'), 'x', T, { baseMs: 10, capMs: 10 }, 0)
    const acked = ackSiemCursor({ ...failed, ackedSeq: 10 }, 5, at(1), at(2))
    expect(acked).toMatchObject({ ackedSeq: 10, failures: 0, nextAttemptAt: null, lastSuccessAt: at(1) })
    expect(ackSiemCursor(acked, 12, at(3), at(4)).ackedSeq).toBe(12)
  })
})
