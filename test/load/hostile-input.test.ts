import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiToken, createIdentity } from '../../src/app/manage-identities.js'
import { isErrorCode } from '../../src/domain/errors.js'
import { MAX_BODY_BYTES, ROUTES } from '../../src/http/app.js'
import type { AnyRoute } from '../../src/http/route.js'
import { serveApp } from '../support/serve-app.js'
import { startTestWorld, type TestWorld } from '../support/test-runtime.js'

/*
 * Every route, over real HTTP, fed hostile input: arbitrary JSON, wrong types, huge strings, deep
 * nesting, unicode and control characters, prototype-pollution keys, numbers at the edges,
 * missing and extra fields, and valid bodies mutated field by field; with a valid token, none or
 * a bad one. Never a 5xx; every refusal carries a catalogued code, writes nothing (the audit head
 * and the request, grant and identity counts are unchanged) and is refused the same way twice.
 */

/** Fixed, so a failure replays: fast-check prints the seed and the counterexample's path. */
const SEED = Number(process.env.HOURGLASS_FUZZ_SEED ?? 20_261_123)
/**
 * Runs per route taking a body or a query; routes taking neither get a few (path and headers).
 * HOURGLASS_FUZZ_RUNS raises both for a longer hunt by hand.
 */
const RUNS_WITH_INPUT = Number(process.env.HOURGLASS_FUZZ_RUNS ?? 30)
const RUNS_WITHOUT_INPUT = Math.ceil(RUNS_WITH_INPUT / 5)

/**
 * Refusals that are evidence by design, so they do write: a policy denial persists the denied
 * request, a blocked review attempt is audited (it counts in the governance report). Their
 * second attempt may differ (the first one is on record), so determinism is not asked of them.
 */
const REFUSALS_THAT_RECORD = new Set([
  'request.denied_by_policy',
  'review.self_review_forbidden',
  'review.subject_review_forbidden',
  'review.owned_nhi_review_forbidden',
  'review.reviewer_not_human',
  'review.not_eligible',
])

const WHY = 'Hostile-input test: a valid base body'

/** A valid body per route, the starting point for field-by-field mutations. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'post /v1/requests': { entitlementId: 'orders-write', justification: WHY, duration: '1h', ticketRef: 'OPS-1' },
  'post /v1/requests/{id}/reviews': { verdict: 'deny', comment: 'no', digest: 'a'.repeat(64) },
  'post /v1/breakglass': { entitlementId: 'orders-write', incidentRef: 'INC-1', reason: WHY, duration: '30m' },
  'post /v1/breakglass/{requestId}/review': { verdict: 'appropriate', comment: WHY },
  'post /v1/exceptions': { scope: { identityId: 'alice', entitlementId: 'orders-read' }, reason: WHY, for: '1d' },
  'post /v1/exceptions/{id}/revoke': { reason: WHY },
  'post /v1/exchange': { subject_token: 'e30.e30.e30', entitlementId: 'orders-read', duration: '5m' },
  'post /v1/exchange/complete': { grantId: 'grt_none', completionToken: 'x'.repeat(32) },
  'post /v1/reconcile': { targetId: 'orders-api' },
  'post /v1/findings/{id}/accept': { reason: WHY, for: '1d' },
  'post /v1/grants/{id}/extend': { duration: '30m', justification: WHY },
  'post /v1/identities/{id}/status': { status: 'suspended' },
  'post /v1/nhis/{id}/transfer': { newOwnerId: 'bob' },
  'post /v1/identities': { id: 'fuzz-made', kind: 'human', displayName: 'Fuzz', groups: ['engineering'] },
  'post /v1/tokens': { identityId: 'fuzz-target', name: 'fuzz', expiresIn: '1h' },
  'post /v1/introspect': { token: 'e30.e30.e30', token_type_hint: 'access_token' },
  'post /scim/v2/Users': { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'fuzz@example.com', active: true },
  'post /scim/v2/Groups': { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'fuzzers', members: [] },
  'patch /scim/v2/Users/{id}': { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
}
const QUERY_KEYS = ['scope', 'state', 'limit', 'after', 'requestId', 'grantId', 'kind', 'targetId', 'filter', 'startIndex', 'count', 'excludedAttributes']

const EDGE_NUMBERS = [0, -0, -1, 1.5, 2 ** 31, -(2 ** 31), 2 ** 53 + 2, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE]
/** JSON texts JSON.stringify cannot produce: overflowing numbers parse to ±Infinity. */
const EDGE_NUMBER_TEXTS = ['1e999', '-1e999', '1e-999', '123456789012345678901234567890']
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']

/** A JSON text: a value, or text standing for one that JSON.stringify would not write. */
const hostileValueText: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 64 }).map((s) => JSON.stringify(s)),
  fc.constantFrom(...EDGE_NUMBERS).map((n) => JSON.stringify(n)),
  fc.constantFrom(...EDGE_NUMBER_TEXTS),
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => JSON.stringify('é\u0000\u202e'.repeat(Math.ceil(n / 3)))),
  fc.integer({ min: 50, max: 5_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.constantFrom(...POLLUTION_KEYS).map((k) => `{${JSON.stringify(k)}:{"admin":true,"polluted":1}}`),
)

/** An object written key by key, so `__proto__` stays an own key in the text on the wire. */
function objectText(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`
}

function mutatedBody(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(valid)
  const base = Object.entries(valid).map(([k, v]) => [k, JSON.stringify(v)] as const)
  return fc.oneof(
    // One field replaced by a hostile value (or a new key, a polluting one among them).
    fc
      .tuple(fc.constantFrom(...keys, ...POLLUTION_KEYS, 'extra'), hostileValueText)
      .map(([key, value]) => objectText([...base.filter(([k]) => k !== key), [key, value]])),
    // One field missing.
    fc.constantFrom(...(keys.length > 0 ? keys : ['none'])).map((key) => objectText(base.filter(([k]) => k !== key))),
    // A field's value given the wrong type.
    fc
      .tuple(fc.constantFrom(...(keys.length > 0 ? keys : ['none'])), fc.constantFrom('true', '0', '[]', '{}', 'null', '""'))
      .map(([key, value]) => objectText([...base.filter(([k]) => k !== key), [key, value]])),
  )
}

interface Input {
  body: string | null
  contentType: string | null
  query: Array<[string, string]>
  param: string
  auth: 'valid' | 'none' | 'bad' | 'malformed'
}

function bodyArbitrary(route: AnyRoute): fc.Arbitrary<string | null> {
  if (route.method === 'get' || route.method === 'delete') return fc.constant(null)
  const valid = VALID_BODIES[`${route.method} ${route.path}`] ?? {}
  return fc.oneof(
    { weight: 4, arbitrary: mutatedBody(valid) },
    { weight: 2, arbitrary: hostileValueText },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  )
}

const queryArbitrary: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom(...QUERY_KEYS, ...POLLUTION_KEYS), fc.string({ maxLength: 12 })),
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('-1', '0', '1e309', 'NaN', 'Infinity', '99999999999999999999', '1.5', '', 'all', 'review', 'mine', 'pending,approved', 'userName eq "x"'),
      fc.integer({ min: 100, max: 2_000 }).map((n) => 'ü'.repeat(n)),
    ),
  ),
  { maxLength: 4 },
)

/** A long query string could exceed Node's header limit, which answers before any route does. */
function queryString(pairs: Array<[string, string]>): string {
  const text = new URLSearchParams(pairs).toString()
  return text === '' ? '' : `?${text.slice(0, 6_000)}`
}

describe('hostile input on every route over HTTP', () => {
  let world: TestWorld
  let server: { url: string; stop(): Promise<void> }
  let params: string[]
  const tokens: Record<string, string> = {}
  /** What the runs met, printed at the end: a fuzzer that only ever sees 400 proves little. */
  const seen = new Map<string, number>()

  beforeAll(async () => {
    world = await startTestWorld()
    server = await serveApp(world.runtime.app)
    const { deps } = world.runtime
    for (const [id, groups] of [['fuzz-target', ['engineering']], ['scim-bot', ['scim-provisioners']]] as const) {
      await createIdentity(deps, 'system:test', { id, kind: 'human', displayName: id, groups: [...groups] })
      const t = await createApiToken(deps, 'system:test', { identityId: id, name: 'fuzz' }, () => deps.newApiToken())
      tokens[id] = t.token.reveal()
    }
    Object.assign(tokens, world.tokens)
    // Real ids for the paths, so some calls get past the lookups into the use cases.
    const pending = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
    const granted = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-read', justification: WHY })
    params = [
      pending.body.request.id,
      granted.body.grant.id,
      'fuzz-target',
      'does-not-exist',
      'orders-api',
      encodeURIComponent('💥\u0000'),
      '%E0%A4%A',
      '..%2F..%2Fetc',
      'a'.repeat(300),
    ]
  })
  afterAll(async () => {
    const top = [...seen].sort((a, b) => b[1] - a[1])
    console.info(`[hostile-input] seed ${SEED}; answers: ${top.map(([k, n]) => `${k} ×${n}`).join(', ')}`)
    await server.stop()
    await world.close()
  })

  async function snapshot() {
    const { store } = world.runtime.deps
    return {
      auditSeq: (await store.audit.head()).seq,
      requests: (await store.requests.list({ limit: 1_000_000 })).length,
      grants: await store.grants.countByState(),
      identities: (await store.identities.list()).length,
    }
  }

  function caller(route: AnyRoute): string {
    if (route.path.startsWith('/scim/')) return 'scim-bot'
    return route.auth === 'admin' ? 'admin' : 'alice'
  }

  async function send(route: AnyRoute, input: Input): Promise<{ status: number; code: string | null; text: string }> {
    const path = route.path.replace(/\{\w+\}/g, input.param)
    const headers: Record<string, string> = {}
    if (input.contentType !== null) headers['content-type'] = input.contentType
    if (input.auth === 'valid') headers.authorization = `Bearer ${tokens[caller(route)]}`
    if (input.auth === 'bad') headers.authorization = 'Bearer hgt_notarealtoken0000000000000000'
    if (input.auth === 'malformed') headers.authorization = 'Basic \u00e9\u00e9'
    const res = await fetch(`${server.url}${path}${queryString(input.query)}`, {
      method: route.method.toUpperCase(),
      headers,
      ...(input.body === null ? {} : { body: input.body }),
    })
    const text = await res.text()
    const code = errorCodeOf(text)
    const key = res.status < 400 ? String(res.status) : `${res.status} ${code}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
    return { status: res.status, code, text }
  }

  function errorCodeOf(text: string): string | null {
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown }; detail?: unknown }
      if (typeof body.error?.code === 'string') return body.error.code
      // SCIM answers in its own error format, with our code at the end of `detail`.
      const scim = typeof body.detail === 'string' ? /\[([a-z_.]+)\]$/.exec(body.detail) : null
      return scim?.[1] ?? null
    } catch {
      return null
    }
  }

  function inputArbitrary(route: AnyRoute): fc.Arbitrary<Input> {
    return fc.record({
      body: bodyArbitrary(route),
      contentType: fc.constantFrom('application/json', 'application/json', 'text/plain', null, 'application/x-www-form-urlencoded', 'application/scim+json'),
      query: queryArbitrary,
      param: fc.constantFrom(...params),
      auth: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'none', 'bad', 'malformed'),
    })
  }

  const takesInput = (r: AnyRoute) => r.body !== undefined || r.query !== undefined || (r.method !== 'get' && r.method !== 'delete')

  for (const route of ROUTES) {
    it(`${route.method.toUpperCase()} ${route.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(inputArbitrary(route), async (input) => {
          const before = await snapshot()
          const first = await send(route, input)
          expect(first.status, first.text).toBeLessThan(500)
          if (first.status < 400) return
          expect(isErrorCode(String(first.code)), first.text).toBe(true)
          if (route.auth !== 'none' && input.auth !== 'valid' && first.code !== 'input.too_large') {
            // A header that is not a bearer token at all counts as no credential.
            const expected = { none: ['auth.missing'], bad: ['auth.invalid_token'], malformed: ['auth.missing', 'auth.invalid_token'] }
            expect(expected[input.auth]).toContain(first.code)
          }
          if (REFUSALS_THAT_RECORD.has(first.code!)) return
          expect(await snapshot()).toEqual(before)
          const second = await send(route, input)
          expect(second.code).toBe(first.code)
          expect(await snapshot()).toEqual(before)
        }),
        { numRuns: takesInput(route) ? RUNS_WITH_INPUT : RUNS_WITHOUT_INPUT, seed: SEED },
      )
    }, 120_000)
  }

  it('keeps the refusals fuzzing once turned into bare 500s', async () => {
    // A hand-built Zod 4 ZodError is no Error, so Hono's error handler never saw it (seed 7).
    const empty = await world.as('admin').get('/v1/findings?state=')
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'input.invalid' } } })
    const unknown = await world.as('admin').get('/v1/findings?kind=shadow,nope')
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'input.invalid' } } })
  })

  const bodyRoutes = ROUTES.filter((r) => r.method !== 'get' && r.method !== 'delete')

  it('answers malformed JSON, a wrong content type and an oversized body with stable codes', async () => {
    const valid: Input = { body: null, contentType: 'application/json', query: [], param: params[0]!, auth: 'valid' }
    for (const route of bodyRoutes) {
      const before = await snapshot()
      const cases: Array<[Input, string | null]> = [
        [{ ...valid, body: '{"entitlementId": "orders-read",' }, route.body && !route.form ? 'input.invalid' : null],
        [{ ...valid, body: '\u0000\u0001{}' }, route.body && !route.form ? 'input.invalid' : null],
        [{ ...valid, body: 'x'.repeat(MAX_BODY_BYTES + 1) }, 'input.too_large'],
        [{ ...valid, body: JSON.stringify({ pad: 'y'.repeat(MAX_BODY_BYTES) }), auth: 'none' }, 'input.too_large'],
        [{ ...valid, body: '<xml/>', contentType: 'application/xml' }, null],
        [{ ...valid, body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', contentType: 'multipart/form-data; boundary=x' }, null],
      ]
      let mayHaveWritten = false
      for (const [input, expected] of cases) {
        const first = await send(route, input)
        const second = await send(route, input)
        const label = `${route.method} ${route.path} ${input.contentType} ${input.body?.slice(0, 30)}`
        expect(first.status, label).toBeLessThan(500)
        if (first.status < 400 || REFUSALS_THAT_RECORD.has(String(first.code))) mayHaveWritten = true
        if (first.status < 400) continue
        expect(isErrorCode(String(first.code)), `${label}: ${first.text}`).toBe(true)
        if (expected !== null) expect(first.code, label).toBe(expected)
        expect(second.code, label).toBe(first.code)
      }
      if (!mayHaveWritten) expect(await snapshot(), `${route.method} ${route.path}`).toEqual(before)
    }
  }, 120_000)
})
