import { describe, expect, it } from 'vitest'
import { CrashLoopGuard } from './crash-loop-guard.js'

describe('CrashLoopGuard', () => {
  it('doubles the re-fork delay while crashes repeat and calls the sixth within a minute a loop', () => {
    const guard = new CrashLoopGuard()
    const delays = [0, 1_000, 2_000, 3_000, 4_000].map((t) => guard.crashed(t))
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000])
    expect(guard.crashed(5_000)).toBeNull()
  })

  it('forgives crashes older than the window', () => {
    const guard = new CrashLoopGuard()
    for (let i = 0; i < 5; i++) guard.crashed(i * 1_000)
    expect(guard.crashed(70_000)).toBe(250)
    expect(guard.recent).toBe(1)
  })
})
