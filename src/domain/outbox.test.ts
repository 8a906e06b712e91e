import { describe, expect, it } from 'vitest'
import { claimMessage, deliveredMessage, failedMessage, type OutboxMessage } from './outbox.js'

const T0 = new Date('2026-11-23T09:00:00Z')
const retry = { maxAttempts: 3, baseMs: 1_000, capMs: 4_000 }
const at = (ms: number) => new Date(T0.getTime() + ms)

const message: OutboxMessage = {
  id: 'ntf_1',
  kind: 'request.approved',
  channel: 'email',
  recipient: 'alice@example.com',
  payload: {},
  state: 'pending',
  createdAt: T0,
  attempts: 0,
  nextAttemptAt: T0,
  deliveredAt: null,
  lastError: null,
  dedupeKey: 'k',
  version: 1,
}
const fail = (m: OutboxMessage, random = 0.5, permanent = false) =>
  failedMessage(m, T0, { error: 'HTTP 503', permanent }, retry, random)

describe('outbox transitions', () => {
  it('a claim counts an attempt and reserves the message until the lease ends', () => {
    expect(claimMessage(message, at(30_000))).toMatchObject({
      attempts: 1,
      nextAttemptAt: at(30_000),
      state: 'pending',
    })
  })

  it('backs off exponentially with jitter, capped, then dead-letters at maxAttempts', () => {
    const first = fail(claimMessage(message, at(1)))
    expect(first).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 503' })
    // Attempt 1: ceiling 1 s, so between 0.5 s and 1 s.
    expect(fail(claimMessage(message, at(1)), 0).nextAttemptAt).toEqual(at(500))
    expect(fail(claimMessage(message, at(1)), 0.999).nextAttemptAt!.getTime()).toBeLessThan(
      at(1_000).getTime(),
    )
    const second = fail(claimMessage(first, at(1)), 0.999)
    expect(second.nextAttemptAt!.getTime() - T0.getTime()).toBeGreaterThanOrEqual(1_000)
    expect(second.nextAttemptAt!.getTime() - T0.getTime()).toBeLessThan(2_000)
    const third = fail(claimMessage(second, at(1)))
    expect(third).toMatchObject({
      state: 'dead',
      attempts: 3,
      nextAttemptAt: null,
      lastError: 'HTTP 503',
    })
  })

  it('never waits longer than capMs', () => {
    const late = failedMessage(
      { ...message, attempts: 30 },
      T0,
      { error: 'x', permanent: false },
      { ...retry, maxAttempts: 100 },
      0.999,
    )
    expect(late.nextAttemptAt!.getTime() - T0.getTime()).toBeLessThan(4_000)
  })

  it('a permanent failure dead-letters at once', () => {
    expect(fail(claimMessage(message, at(1)), 0.5, true)).toMatchObject({
      state: 'dead',
      attempts: 1,
      nextAttemptAt: null,
    })
  })

  it('delivery is final and clears the error', () => {
    const done = deliveredMessage({ ...fail(claimMessage(message, at(1))), attempts: 2 }, at(5))
    expect(done).toMatchObject({
      state: 'delivered',
      deliveredAt: at(5),
      nextAttemptAt: null,
      lastError: null,
      attempts: 2,
    })
  })
})
