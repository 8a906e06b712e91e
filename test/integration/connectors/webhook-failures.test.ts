import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectorError } from '../../../src/connectors/connector.js'
import { startWebhookTarget, type WebhookTarget } from '../../support/webhook-target.js'

const options = () => ({ signal: AbortSignal.timeout(15_000) })

async function failure(operation: Promise<unknown>): Promise<ConnectorError> {
  const error = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, `expected a ConnectorError, got ${inspect(error)}`).toBeInstanceOf(ConnectorError)
  return error as ConnectorError
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now()
  const result = await run()
  return { result, ms: performance.now() - start }
}

describe('webhook connector when the endpoint misbehaves', () => {
  const targets: WebhookTarget[] = []
  const target = async (config: Parameters<typeof startWebhookTarget>[0] = {}) => {
    const t = await startWebhookTarget(config)
    targets.push(t)
    return t
  }
  afterEach(async () => {
    await Promise.all(targets.splice(0).map((t) => t.teardown()))
  })

  it('rides out two 503s within one operation, resending the same delivery', async () => {
    const t = await target()
    t.endpoint.failNext(2, 503)
    const spec = t.spec()
    const issued = await t.instance.issue(spec, options())
    expect(await t.endpoint.use(issued.credential)).toBe('allowed')
    const [first, ...rest] = t.endpoint.received
    expect(t.endpoint.arrivals(first!.id)).toBe(3)
    for (const again of rest) expect(again.body).toEqual(first!.body)
  })

  it('gives up after maxAttempts with a retryable error, in bounded time', async () => {
    const t = await target({ maxAttempts: 3 })
    t.endpoint.failNext(100, 503)
    const { result: error, ms } = await timed(() => failure(t.instance.issue(t.spec(), options())))
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    expect(error.message).toMatch(/503.*after 3 attempts/)
    expect(t.endpoint.received).toHaveLength(3)
    // Two backoffs of at most 250 and 500 ms and three quick answers; room for a loaded CI box.
    expect(ms).toBeLessThan(5000)
  })

  it.each([408, 425, 429, 500, 502, 504])('retries a %i', async (status) => {
    const t = await target({ maxAttempts: 2 })
    t.endpoint.failNext(1, status)
    await t.instance.issue(t.spec(), options())
    expect(t.endpoint.received).toHaveLength(2)
  })

  it.each([
    [400, 'rejected'],
    [403, 'rejected'],
    [422, 'rejected'],
    [501, 'rejected'],
    [409, 'conflict'],
  ])('does not retry a %i, which is %s', async (status, reason) => {
    const t = await target()
    t.endpoint.failNext(1, status)
    const error = await failure(t.instance.issue(t.spec(), options()))
    expect(error).toMatchObject({ reason, retryable: false })
    expect(t.endpoint.received).toHaveLength(1)
  })

  it('times out a hanging endpoint, retryably, in bounded time', async () => {
    const t = await target({ timeoutMs: 200, maxAttempts: 2 })
    t.endpoint.hangNext(10)
    const { result: error, ms } = await timed(() => failure(t.instance.issue(t.spec(), options())))
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    expect(error.message).toContain('timed out after 200 ms')
    expect(t.endpoint.received).toHaveLength(2)
    // Without the per-attempt timeout this would wait for the caller's 15 s signal.
    expect(ms).toBeLessThan(4000)
  })

  it('succeeds on the next attempt after one hang', async () => {
    const t = await target({ timeoutMs: 300 })
    t.endpoint.hangNext(1)
    const issued = await t.instance.issue(t.spec(), options())
    expect(await t.endpoint.use(issued.credential)).toBe('allowed')
    expect(t.endpoint.received).toHaveLength(2)
  })

  it('reports a closed port as unreachable and retryable', async () => {
    const t = await target({ maxAttempts: 2 })
    await t.endpoint.close()
    const error = await failure(
      t.instance.revoke({ grantId: 'g', targetName: 'n', intent: true }, options()),
    )
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
  })

  it('stops at once when the caller gives up mid-request, without more attempts', async () => {
    const t = await target({ timeoutMs: 10_000 })
    t.endpoint.hangNext(10)
    const caller = new AbortController()
    setTimeout(() => {
      caller.abort(new Error('shutting down'))
    }, 150)
    const { result: error, ms } = await timed(() =>
      failure(t.instance.issue(t.spec(), { signal: caller.signal })),
    )
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    expect(error.message).toContain('aborted')
    // Well inside the 10 s attempt timeout: the caller's signal ended it.
    expect(ms).toBeLessThan(4000)
    expect(t.endpoint.received).toHaveLength(1)
  })

  it('stops at once when the caller gives up during backoff', async () => {
    const t = await target({ maxAttempts: 10 })
    t.endpoint.failNext(100, 503)
    const caller = new AbortController()
    setTimeout(() => {
      caller.abort()
    }, 300)
    const { result: error, ms } = await timed(() =>
      failure(t.instance.issue(t.spec(), { signal: caller.signal })),
    )
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    // Ten attempts would spend at least 6.8 s in backoff.
    expect(ms).toBeLessThan(3000)
    expect(t.endpoint.received.length).toBeLessThan(4)
  })
})

describe('webhook connector input it refuses before calling the endpoint', () => {
  let t: WebhookTarget
  afterEach(async () => {
    await t.teardown()
  })

  const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i]))
  it.each([
    ['no entitlement', {}],
    ['an empty entitlement', { entitlement: '' }],
    ['an entitlement with a space', { entitlement: 'billing admin' }],
    ['an entitlement with a quote', { entitlement: "x';drop" }],
    ['an entitlement with a slash', { entitlement: '../admin' }],
    ['a 129-character entitlement', { entitlement: 'a'.repeat(129) }],
    ['a numeric entitlement', { entitlement: 42 }],
    ['an unknown field', { entitlement: 'x', role: 'superuser' }],
    ['17 attributes', { entitlement: 'x', attributes: many }],
    [
      'a __proto__ attribute',
      { entitlement: 'x', attributes: JSON.parse('{"__proto__":{"admin":true}}') },
    ],
    ['an attribute key with a space', { entitlement: 'x', attributes: { 'a b': 1 } }],
    ['an attribute key starting with a digit', { entitlement: 'x', attributes: { '1a': 1 } }],
    ['a nested attribute', { entitlement: 'x', attributes: { a: { b: 1 } } }],
    ['a list attribute', { entitlement: 'x', attributes: { a: [1] } }],
    ['a null attribute', { entitlement: 'x', attributes: { a: null } }],
    ['a newline in an attribute', { entitlement: 'x', attributes: { a: 'x\ny' } }],
    ['a 257-character attribute', { entitlement: 'x', attributes: { a: 'a'.repeat(257) } }],
    ['null attributes', { entitlement: 'x', attributes: null }],
  ])('refuses params with %s', async (_name, params) => {
    t = await startWebhookTarget()
    const error = await failure(t.instance.issue(t.spec({ params }), options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(t.endpoint.received).toEqual([])
  })

  it.each([
    ['nothing', {}],
    ['a grant id only', { grantId: 'grt_1' }],
    ['an intent that is not one', { grantId: 'grt_1', targetName: 'hg_grt_1', intent: false }],
    ['a grant id with a space', { grantId: 'grt 1', targetName: 'x', intent: true }],
    ['a string endpoint handle', { grantId: 'grt_1', targetName: 'x', endpoint: 'acct' }],
    ['an extra field', { grantId: 'grt_1', targetName: 'x', endpoint: {}, url: 'http://evil' }],
  ])('refuses a handle with %s', async (_name, handle) => {
    t = await startWebhookTarget()
    const error = await failure(t.instance.revoke(handle, options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(t.endpoint.received).toEqual([])
  })

  it('does not ask for a grant whose window has ended', async () => {
    t = await startWebhookTarget()
    const error = await failure(
      t.instance.issue(t.spec({ expiresAt: new Date(Date.now() - 1000) }), options()),
    )
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(t.endpoint.received).toEqual([])
  })
})
