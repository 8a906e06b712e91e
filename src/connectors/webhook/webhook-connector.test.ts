import { describe, expect, it } from 'vitest'
import { verifyWebhook } from '../../security/webhook-signature.js'
import { ConnectorError, type GrantSpec } from '../connector.js'
import { webhookConfigSchema } from './config.js'
import { MAX_RESPONSE_BYTES } from './protocol.js'
import { createWebhookConnector, type FetchLike } from './webhook-connector.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const URL_ = 'https://provision.example.com/hg'
const START = new Date('2031-03-04T05:06:07.000Z')
const options = () => ({ signal: new AbortController().signal })
const ISSUED = { handle: { account: 'hg_grt_1' }, credential: 'tok_abcdefgh' }

type Answer = Response | Error
interface Call {
  url: string
  init: RequestInit
  body: string
  headers: Record<string, string>
}

function setup(answers: Answer[], config: Record<string, unknown> = {}) {
  let now = START
  const calls: Call[] = []
  const delays: number[] = []
  const fetch: FetchLike = (url, init) => {
    const body = Buffer.from(init.body as Uint8Array).toString('utf8')
    calls.push({ url, init, body, headers: init.headers as Record<string, string> })
    now = new Date(now.getTime() + 1000)
    const answer = answers.shift() ?? new Response(null, { status: 500 })
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
  }
  const instance = createWebhookConnector(
    webhookConfigSchema.parse({ url: URL_, secret: SECRET, ...config }),
    {
      now: () => now,
      newId: (prefix) => `${prefix}_${calls.length + 1}`,
      state: {
        get: () => Promise.reject(new Error('no state')),
        put: () => Promise.reject(new Error('no state')),
        putIfAbsent: () => Promise.reject(new Error('no state')),
      },
    },
    {
      fetch,
      sleep: (ms) => {
        delays.push(ms)
        return Promise.resolve()
      },
      random: () => 0,
    },
  )
  const spec = (): GrantSpec => ({
    grantId: 'grt_1',
    targetName: 'hg_grt_1',
    subjectId: 'idn_alice',
    entitlementId: 'billing-admin',
    params: { entitlement: 'billing:admin' },
    startsAt: START,
    expiresAt: new Date(START.getTime() + 3600_000),
  })
  return { instance, calls, delays, spec, now: () => now }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

async function failure(operation: Promise<unknown>): Promise<ConnectorError> {
  const error: unknown = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConnectorError)
  return error as ConnectorError
}

describe('webhook connector requests', () => {
  it('POSTs signed JSON without following redirects', async () => {
    const { instance, calls, spec, now } = setup([json(ISSUED)])
    await instance.issue(spec(), options())
    const [call] = calls
    expect(call?.url).toBe(URL_)
    expect(call?.init).toMatchObject({ method: 'POST', redirect: 'manual' })
    expect(call?.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'webhook-id': 'msg_1',
    })
    const verified = verifyWebhook(SECRET, call!.headers, call!.body, now())
    expect(verified).toEqual({ valid: true, id: 'msg_1', timestamp: START.getTime() / 1000 })
    expect(JSON.parse(call!.body)).toMatchObject({ type: 'grant.issue', id: 'msg_1' })
  })

  it('resends the same delivery with a fresh signature on every attempt', async () => {
    const { instance, calls, spec } = setup([
      json({}, 503),
      new TypeError('fetch failed'),
      json(ISSUED),
    ])
    await instance.issue(spec(), options())
    expect(calls).toHaveLength(3)
    expect(new Set(calls.map((c) => c.body)).size).toBe(1)
    expect(new Set(calls.map((c) => c.headers['webhook-id'])).size).toBe(1)
    const stamps = calls.map((c) => c.headers['webhook-timestamp'])
    expect(new Set(stamps).size).toBe(3)
  })

  it('backs off exponentially with jitter, capped at two seconds', async () => {
    const { instance, delays, spec } = setup([], { maxAttempts: 6 })
    const error = await failure(instance.issue(spec(), options()))
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    // random() = 0 gives the lower bound: half of 250, 500, 1000, 2000, 2000.
    expect(delays).toEqual([125, 250, 500, 1000, 1000])
  })

  it('keeps the network cause of a retryable failure', async () => {
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })
    const { instance, spec } = setup([refused, refused, refused])
    const error = await failure(instance.issue(spec(), options()))
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true, cause: refused })
  })
})

describe('webhook connector answers', () => {
  it('reports no credential as an empty one, for endpoints that attach access to an identity', async () => {
    const { instance, spec } = setup([json({ handle: {}, instructions: 'Sign in with SSO.' })])
    const issued = await instance.issue(spec(), options())
    expect(issued.credential.reveal()).toBe('')
    expect(issued.instructions).toBe('Sign in with SSO.')
  })

  it('accepts 201 for issue', async () => {
    const { instance, spec } = setup([json(ISSUED, 201)])
    expect((await instance.issue(spec(), options())).credential.reveal()).toBe('tok_abcdefgh')
  })

  it('drops __proto__ keys instead of letting them set a prototype', async () => {
    const raw = '{"handle":{"__proto__":{"polluted":true},"a":1},"credential":"tok_abcdefgh"}'
    const { instance, spec } = setup([new Response(raw, { status: 200 })])
    const issued = await instance.issue(spec(), options())
    const endpoint = issued.handle.endpoint as Record<string, unknown>
    expect(JSON.parse(JSON.stringify(endpoint))).toEqual({ a: 1 })
    expect('polluted' in endpoint).toBe(false)
  })

  it('refuses a declared size over the cap without reading the body', async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(new Uint8Array(16))
      },
    })
    const big = new Response(stream, {
      status: 200,
      headers: { 'content-length': String(MAX_RESPONSE_BYTES + 1) },
    })
    const { instance, spec } = setup([big])
    expect(await failure(instance.issue(spec(), options()))).toMatchObject({ reason: 'rejected' })
    expect(pulled).toBeLessThanOrEqual(1)
  })

  it('stops reading an undeclared body at the cap', async () => {
    let cancelled = false
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(chunk)
      },
      cancel() {
        cancelled = true
      },
    })
    const { instance, spec } = setup([new Response(endless, { status: 200 })])
    const error = await failure(instance.issue(spec(), options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(error.message).toContain('exceeds')
    expect(cancelled).toBe(true)
  })

  it('refuses an answer that is not UTF-8', async () => {
    const latin1 = new Response(Uint8Array.from([0x7b, 0xe9, 0x7d]), { status: 200 })
    const { instance, spec } = setup([latin1])
    expect(await failure(instance.issue(spec(), options()))).toMatchObject({ reason: 'rejected' })
  })

  it('quotes an error answer on one bounded line, so it cannot forge log lines', async () => {
    const said = `bad request\n2031-01-01 INFO grant approved\u001b[0m ${'x'.repeat(500)}`
    const { instance, spec } = setup([json({ error: said }, 400)])
    const error = await failure(instance.issue(spec(), options()))
    expect(error.message).toContain('answered 400 to grant.issue (delivery msg_1): bad request')
    expect(error.message).not.toMatch(/\p{Cc}/u)
    expect(error.message.length).toBeLessThan(400)
  })

  it('passes an access.list through normalised: privileges deduplicated and sorted', async () => {
    const entries = [
      { key: 'b', principal: 'bob', grantId: null, privileges: ['z', 'a', 'z'] },
      { key: 'a', principal: 'ann', grantId: 'grt_1', privileges: [] },
    ]
    const { instance } = setup([json({ entries, next: 'ignored' })])
    expect(await instance.list({ params: [] }, options())).toEqual([
      { key: 'a', principal: 'ann', grantId: 'grt_1', privileges: [] },
      { key: 'b', principal: 'bob', grantId: null, privileges: ['a', 'z'] },
    ])
  })

  it('refuses to send a removal for an entry that is not one', async () => {
    const { instance, calls } = setup([])
    const entry = { key: '', principal: 'p', grantId: null, privileges: [] }
    expect(await failure(instance.removeAccess(entry, options()))).toMatchObject({
      reason: 'rejected',
    })
    expect(calls).toEqual([])
  })
})
