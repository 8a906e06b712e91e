import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyExport } from '../../src/audit/verify-chain.js'
import { isErrorCode } from '../../src/domain/errors.js'
import { mapBounded } from '../support/bounded.js'
import { LiveClock } from '../support/live-clock.js'
import { serveApp } from '../support/serve-app.js'
import { freshPgDatabase, pgUrlOrSkip } from '../support/services.js'
import { startTestWorld, type TestWorld } from '../support/test-runtime.js'

/*
 * 1,000 requests against one server over a real loopback socket, with the lifecycle engine
 * running: auto-approved, owner-approved and dual-approval (high risk) entitlements, their
 * reviews racing each other and the requester's cancellation. Whatever the interleaving, every
 * request must end in exactly one terminal state that its stored reviews explain, every approved
 * request must have exactly one grant, and the audit chain must verify and count what happened.
 */

const REQUESTS = 1_000
/** Scenarios in flight; each fires up to 4 calls at once, so about 100 HTTP calls in flight. */
const SCENARIOS_IN_FLIGHT = 25
const WHY = 'Load test: investigate a customer escalation'
const REQUESTERS = ['alice', 'bob'] as const

type Kind = 'auto' | 'owner' | 'dual'
type Op = { who: string; call: 'approve' | 'deny' | 'cancel' | 'self-review' }

interface Call {
  status: number
  body: any
}

interface Outcome {
  kind: Kind
  requestId: string | null
  submit: Call
  calls: Array<Op & Call>
}

/** A deterministic mix (no Math.random): the same 1,000 scenarios on every run. */
function scenario(i: number): { kind: Kind; requester: string; ops: Op[] } {
  const requester = REQUESTERS[i % 2] as string
  const kind: Kind = i % 10 < 5 ? 'auto' : i % 10 < 8 ? 'owner' : 'dual'
  const ops: Op[] = []
  if (kind === 'owner') {
    ops.push({ who: 'olivia', call: i % 7 === 0 ? 'deny' : 'approve' })
    if (i % 3 === 0) ops.push({ who: requester, call: 'cancel' })
  }
  if (kind === 'dual') {
    // Fired first: fired last, it reliably arrives after the decision on SQLite's one connection.
    if (i % 3 === 1) ops.push({ who: requester, call: 'self-review' })
    ops.push({ who: 'paul', call: 'approve' })
    ops.push({ who: 'sam', call: i % 9 === 0 ? 'deny' : 'approve' })
    if (i % 4 === 0) ops.push({ who: requester, call: 'cancel' })
  }
  return { kind, requester, ops }
}

const ENTITLEMENT: Record<Kind, Record<string, unknown>> = {
  auto: { entitlementId: 'orders-read' },
  owner: { entitlementId: 'orders-write' },
  dual: { entitlementId: 'payments-refund', ticketRef: 'OPS-4711' },
}

const TERMINAL = ['approved', 'denied', 'cancelled'] as const

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return counts
}

async function waitUntil(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await done()) return true
    await new Promise((r) => setTimeout(r, 200))
  }
  return done()
}

function loadSuite(name: string, databaseUrl: () => Promise<{ url: string | undefined; drop(): Promise<void> }>) {
  describe(`1,000 concurrent requests and reviews over HTTP (${name})`, () => {
    let world: TestWorld
    let server: { url: string; stop(): Promise<void> }
    let db: { url: string | undefined; drop(): Promise<void> }

    beforeAll(async () => {
      db = await databaseUrl()
      world = await startTestWorld({
        clock: new LiveClock(),
        // Denials are part of the mix; the cool-down after them would turn later submissions
        // of the same entitlement into request.cooldown and blur what is being counted.
        config: { governance: { cooldownAfterDenialSeconds: 0 } },
        ...(db.url ? { databaseUrl: db.url } : {}),
      })
      await world.runtime.engine.start()
      server = await serveApp(world.runtime.app)
    })
    afterAll(async () => {
      await server.stop()
      await world.close()
      await db.drop()
    })

    async function call(who: string, method: string, path: string, body?: unknown): Promise<Call> {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${world.tokens[who]}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : null }
    }

    /** A loser of an optimistic-concurrency race was rolled back whole: trying again is safe. */
    async function retrying(fire: () => Promise<Call>): Promise<Call> {
      for (;;) {
        const r = await fire()
        if (r.body?.error?.code !== 'request.concurrent_update') return r
      }
    }

    function fire(op: Op, requestId: string): Promise<Call> {
      const path = `/v1/requests/${requestId}`
      switch (op.call) {
        case 'cancel':
          return retrying(() => call(op.who, 'POST', `${path}/cancel`))
        case 'self-review':
          return call(op.who, 'POST', `${path}/reviews`, { verdict: 'approve' })
        case 'approve':
        case 'deny':
          return retrying(() => call(op.who, 'POST', `${path}/reviews`, { verdict: op.call, comment: 'load' }))
      }
    }

    it('ends every request in one terminal state its reviews explain, with one grant per approval', async () => {
      const started = Date.now()
      const outcomes = await mapBounded(
        Array.from({ length: REQUESTS }, (_, i) => i),
        SCENARIOS_IN_FLIGHT,
        async (i): Promise<Outcome> => {
          const s = scenario(i)
          const submit = await call(s.requester, 'POST', '/v1/requests', { ...ENTITLEMENT[s.kind], justification: WHY })
          const requestId: string | null = submit.body?.request?.id ?? null
          if (requestId === null) return { kind: s.kind, requestId, submit, calls: [] }
          const results = await Promise.all(s.ops.map((op) => fire(op, requestId)))
          return { kind: s.kind, requestId, submit, calls: s.ops.map((op, k) => ({ ...op, ...results[k]! })) }
        },
      )
      const httpMs = Date.now() - started

      // Transport: never a 5xx, every refusal carries a catalogued code.
      const all = outcomes.flatMap((o) => [o.submit, ...o.calls])
      expect(all.filter((c) => c.status >= 500)).toEqual([])
      const refusals = all.filter((c) => c.status >= 400)
      expect(refusals.filter((c) => !isErrorCode(String(c.body?.error?.code)))).toEqual([])
      expect(outcomes.filter((o) => o.submit.status !== 201)).toEqual([])

      const { store } = world.runtime.deps
      const stored = await store.requests.list({ limit: 100_000 })
      expect(stored).toHaveLength(REQUESTS)
      const byId = new Map(stored.map((r) => [r.id, r]))
      let reviewsStored = 0
      for (const o of outcomes) {
        const r = byId.get(o.requestId!)!
        expect(TERMINAL).toContain(r.state)
        const reviews = await store.reviews.listForRequest(r.id)
        reviewsStored += reviews.length
        const grants = await store.grants.list({ requestId: r.id, limit: 10 })
        expect(grants).toHaveLength(r.state === 'approved' ? 1 : 0)
        const approvals = reviews.filter((v) => v.verdict === 'approve').map((v) => v.reviewerId).sort()
        const denials = reviews.filter((v) => v.verdict === 'deny')
        const cancelled = o.calls.filter((c) => c.call === 'cancel' && c.status === 200)
        const decisive = o.calls.filter((c) => c.status === 201 && ['approved', 'denied'].includes(c.body.outcome))
        // Exactly one operation won the request, and it is the one the stored state names.
        expect(cancelled.length + decisive.length + (o.kind === 'auto' ? 1 : 0)).toBe(1)
        if (o.kind === 'auto') {
          expect(r.state).toBe('approved')
          expect(reviews).toEqual([])
        } else if (r.state === 'approved') {
          expect(denials).toEqual([])
          expect(approvals).toEqual(o.kind === 'owner' ? ['olivia'] : ['paul', 'sam'])
          expect(decisive[0]?.body.outcome).toBe('approved')
        } else if (r.state === 'denied') {
          expect(denials).toHaveLength(1)
          expect(decisive[0]?.body.outcome).toBe('denied')
        } else {
          expect(cancelled).toHaveLength(1)
          expect(denials).toEqual([])
          expect(approvals.length).toBeLessThan(o.kind === 'owner' ? 1 : 2)
        }
        // Every review the server accepted is stored, and none it refused.
        const accepted = new Set(o.calls.filter((c) => c.status === 201).map((c) => c.body.review.id as string))
        expect(new Set(reviews.map((v) => v.id))).toEqual(accepted)
        // Refused for what it is, or (having lost the race) because the request was decided.
        for (const c of o.calls.filter((x) => x.call === 'self-review')) {
          expect(['review.self_review_forbidden', 'request.not_pending']).toContain(c.body.error.code)
        }
      }

      const states = countBy(stored, (r) => r.state)
      const approved = states.get('approved') ?? 0
      // The engine activates every grant issued along the way.
      const activated = await waitUntil(async () => ((await store.grants.countByState()).active ?? 0) === approved, 90_000)
      expect(await store.grants.countByState()).toEqual({ active: approved })
      expect(activated).toBe(true)

      await world.runtime.engine.stop()
      const events = await store.audit.list({ limit: 1_000_000 })
      await world.runtime.checkpointer.maybeCheckpoint(true)
      const report = verifyExport(events, await store.audit.listCheckpoints(), world.runtime.deps.auditPublicKeyPem)
      expect(report.ok).toBe(true)
      const types = countBy(events, (e) => e.type)
      const selfReviews = outcomes
        .flatMap((o) => o.calls)
        .filter((c) => c.call === 'self-review' && c.body.error.code === 'review.self_review_forbidden').length
      expect({
        submitted: types.get('request.submitted'),
        approved: types.get('request.approved'),
        scheduled: types.get('grant.scheduled'),
        activated: types.get('grant.activated'),
        denied: types.get('request.denied') ?? 0,
        cancelled: types.get('request.cancelled') ?? 0,
        reviews: types.get('review.recorded'),
        rejected: types.get('review.rejected') ?? 0,
      }).toEqual({
        submitted: REQUESTS,
        approved,
        scheduled: approved,
        activated: approved,
        denied: states.get('denied') ?? 0,
        cancelled: states.get('cancelled') ?? 0,
        reviews: reviewsStored,
        rejected: selfReviews,
      })
      // Every kind of ending happened, or the races above proved little.
      expect([...states.keys()].sort()).toEqual(['approved', 'cancelled', 'denied'])
      console.info(
        `[load ${name}] ${all.length} HTTP calls in ${httpMs} ms; states ${JSON.stringify(Object.fromEntries(states))}; ` +
          `refusals ${JSON.stringify(Object.fromEntries(countBy(refusals, (c) => String(c.body.error.code))))}`,
      )
    }, 240_000)
  })
}

loadSuite('SQLite', () => Promise.resolve({ url: undefined, drop: () => Promise.resolve() }))

const pgBase = pgUrlOrSkip()
if (pgBase) loadSuite('PostgreSQL', () => freshPgDatabase(pgBase))
else describe.skip('1,000 concurrent requests and reviews over HTTP (PostgreSQL: no server)', () => undefined)
