import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { verifyExport } from '../../../src/audit/verify-chain.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
beforeEach(async () => {
  world = await startTestWorld()
})
afterEach(async () => {
  await world.close()
})

const WHY = 'Investigate order 1234 for a customer ticket'

async function auditReport() {
  const events = await world.runtime.deps.store.audit.list({ limit: 100_000 })
  await world.runtime.checkpointer.maybeCheckpoint(true)
  const checkpoints = await world.runtime.deps.store.audit.listCheckpoints()
  return verifyExport(events, checkpoints, world.runtime.deps.auditPublicKeyPem)
}

describe('low risk: auto-approved, issued, expired, revoked, verified', () => {
  it('runs the whole lifecycle with a JWT that stops being active at expiry', async () => {
    const alice = world.as('alice')
    const submitted = await alice.post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, duration: '30m' })
    expect(submitted.status).toBe(201)
    expect(submitted.body.request.state).toBe('approved')
    // A jwt token is signed in the submission's own transaction: active when the answer comes.
    expect(submitted.body.grant.state).toBe('active')
    const grantId: string = submitted.body.grant.id

    expect(await runDueWork(world.runtime.deps)).toMatchObject({ issued: 0 })
    const active = await alice.get(`/v1/grants/${grantId}`)
    expect(active.body).toMatchObject({ state: 'active', credentialAvailable: true })

    const cred = await alice.post(`/v1/grants/${grantId}/credential`)
    expect(cred.status).toBe(200)
    const token: string = cred.body.credential
    expect((await alice.post(`/v1/grants/${grantId}/credential`)).body.error.code).toBe('grant.credential_unavailable')

    const jwks = await world.as(null).get('/v1/targets/orders-api/jwks.json')
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), {
      issuer: 'http://127.0.0.1:7300/v1/targets/orders-api',
      audience: 'orders-api',
      currentDate: world.clock.now(),
    })
    expect(payload).toMatchObject({ sub: 'alice', scope: 'orders:read' })
    expect(payload.exp! * 1000).toBeLessThanOrEqual(Date.parse(active.body.expiresAt))

    const rs = world.as('olivia')
    expect((await rs.post('/v1/introspect', { token })).body.active).toBe(true)

    world.clock.advance(30 * 60 * 1000 + 250)
    expect(await runDueWork(world.runtime.deps)).toMatchObject({ revoked: 1 })
    const revoked = await alice.get(`/v1/grants/${grantId}`)
    expect(revoked.body).toMatchObject({ state: 'revoked', revokeReason: 'expired', verification: 'gone' })
    expect(revoked.body.revocationLagMs).toBe(250)
    expect((await rs.post('/v1/introspect', { token })).body).toEqual({ active: false })

    const report = await auditReport()
    expect(report.ok).toBe(true)
    const events = await world.runtime.deps.store.audit.list({ limit: 1000, grantId })
    const types = events.map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['grant.scheduled', 'grant.issuing', 'grant.activated', 'grant.credential_retrieved', 'grant.revoked']))
    // The jwt revocation list is written in the transaction that revokes the grant: one event,
    // carrying what the claim's `grant.revoking` would have (the state it left, the attempt).
    expect(types).not.toContain('grant.revoking')
    expect(events.find((e) => e.type === 'grant.revoked')?.data).toEqual({
      attempts: 1,
      fromState: 'active',
      reason: 'expired',
      revocationLagMs: 250,
      verification: 'gone',
    })
  })

  it('ends a grant early on completion and on manual revoke, and never twice', async () => {
    const alice = world.as('alice')
    const a = await alice.post('/v1/requests', { entitlementId: 'orders-read', justification: WHY, revocationCondition: 'task_completion' })
    await runDueWork(world.runtime.deps)
    const done = await alice.post(`/v1/grants/${a.body.grant.id}/complete`)
    expect(done.body).toMatchObject({ state: 'revoked', revokeReason: 'completed', verification: 'gone' })
    const again = await alice.post(`/v1/grants/${a.body.grant.id}/revoke`)
    expect(again.body).toMatchObject({ state: 'revoked', revokeReason: 'completed' })
    const revokedEvents = (await world.runtime.deps.store.audit.list({ limit: 100, grantId: a.body.grant.id })).filter((e) => e.type === 'grant.revoked')
    expect(revokedEvents).toHaveLength(1)
    // Someone unrelated may not end another person's grant.
    const b = await alice.post('/v1/requests', { entitlementId: 'orders-read', justification: WHY })
    await runDueWork(world.runtime.deps)
    expect((await world.as('bob').post(`/v1/grants/${b.body.grant.id}/revoke`)).body.error.code).toBe('auth.forbidden')
    expect((await world.as('olivia').post(`/v1/grants/${b.body.grant.id}/revoke`)).body.state).toBe('revoked')
  })
})

describe('reviews and separation of duties over HTTP', () => {
  async function submit(who: string, body: Record<string, unknown>) {
    return world.as(who).post('/v1/requests', { justification: WHY, ...body })
  }

  it('medium: the requester cannot approve, the owner can', async () => {
    const r = await submit('alice', { entitlementId: 'orders-write' })
    expect(r.body.request).toMatchObject({ state: 'pending', eligibleReviewers: ['olivia'] })
    const id: string = r.body.request.id
    const self = await world.as('alice').post(`/v1/requests/${id}/reviews`, { verdict: 'approve' })
    expect(self).toMatchObject({ status: 403, body: { error: { code: 'review.self_review_forbidden' } } })
    const stranger = await world.as('bob').post(`/v1/requests/${id}/reviews`, { verdict: 'approve' })
    expect(stranger.body.error.code).toBe('review.not_eligible')
    const ok = await world.as('olivia').post(`/v1/requests/${id}/reviews`, { verdict: 'approve', digest: r.body.request.digest })
    expect(ok.body).toMatchObject({ outcome: 'approved', grant: { state: 'scheduled' } })
    const late = await world.as('olivia').post(`/v1/requests/${id}/reviews`, { verdict: 'deny' })
    expect(late.body.error.code).toBe('request.not_pending')
    const rejected = (await world.runtime.deps.store.audit.list({ limit: 100, requestId: id })).filter((e) => e.type === 'review.rejected')
    expect(rejected.map((e) => e.data.code)).toEqual(['review.self_review_forbidden', 'review.not_eligible'])
  })

  it('high: needs a ticket, then an owner and a distinct security approver', async () => {
    const noTicket = await submit('alice', { entitlementId: 'payments-refund' })
    expect(noTicket).toMatchObject({ status: 400, body: { error: { code: 'request.ticket_required' } } })
    const tooLong = await submit('alice', { entitlementId: 'payments-refund', ticketRef: 'OPS-1', duration: '2h' })
    expect(tooLong.body.error.code).toBe('grant.window_exceeds_policy')
    const r = await submit('alice', { entitlementId: 'payments-refund', ticketRef: 'OPS-1' })
    const id: string = r.body.request.id
    expect(r.body.request.eligibleReviewers).toEqual(['paul', 'sam'])
    const first = await world.as('paul').post(`/v1/requests/${id}/reviews`, { verdict: 'approve' })
    expect(first.body.outcome).toBe('pending')
    // The same person approving twice counts once; changing their mind is refused.
    expect((await world.as('paul').post(`/v1/requests/${id}/reviews`, { verdict: 'approve' })).status).toBe(201)
    expect((await world.as('paul').post(`/v1/requests/${id}/reviews`, { verdict: 'deny' })).body.error.code).toBe('review.duplicate')
    expect((await world.as('alice').get(`/v1/requests/${id}`)).body.state).toBe('pending')
    const second = await world.as('sam').post(`/v1/requests/${id}/reviews`, { verdict: 'approve' })
    expect(second.body.outcome).toBe('approved')
  })

  it('a deny wins and closes the request', async () => {
    const r = await submit('alice', { entitlementId: 'payments-refund', ticketRef: 'OPS-2' })
    const id: string = r.body.request.id
    await world.as('paul').post(`/v1/requests/${id}/reviews`, { verdict: 'approve' })
    const deny = await world.as('sam').post(`/v1/requests/${id}/reviews`, { verdict: 'deny', comment: 'no incident' })
    expect(deny.body).toMatchObject({ outcome: 'denied', grant: null })
    expect((await world.runtime.deps.store.grants.list({ requestId: id })).length).toBe(0)
  })

  it('never lets a non-human identity review, even one holding a valid token', async () => {
    const r = await submit('alice', { entitlementId: 'orders-write' })
    const nhi = await world.as('ci-deployer').post(`/v1/requests/${r.body.request.id}/reviews`, { verdict: 'approve' })
    expect(nhi).toMatchObject({ status: 403, body: { error: { code: 'review.reviewer_not_human' } } })
    expect((await world.runtime.deps.store.reviews.listForRequest(r.body.request.id)).length).toBe(0)
  })

  it('refuses a review bound to another digest', async () => {
    const r = await submit('alice', { entitlementId: 'orders-write' })
    const wrong = await world.as('olivia').post(`/v1/requests/${r.body.request.id}/reviews`, { verdict: 'approve', digest: 'a'.repeat(64) })
    expect(wrong).toMatchObject({ status: 409, body: { error: { code: 'review.digest_mismatch' } } })
  })

  it('approve racing cancel has exactly one winner', async () => {
    const r = await submit('alice', { entitlementId: 'orders-write' })
    const id: string = r.body.request.id
    const [approve, cancel] = await Promise.all([
      world.as('olivia').post(`/v1/requests/${id}/reviews`, { verdict: 'approve' }),
      world.as('alice').post(`/v1/requests/${id}/cancel`),
    ])
    const wins = [approve.status, cancel.status].filter((s) => s < 300)
    expect(wins).toHaveLength(1)
    const final = await world.runtime.deps.store.requests.get(id)
    expect(final?.state).toBe(approve.status < 300 ? 'approved' : 'cancelled')
  })

  it('an NHI subject must be owned by the requester', async () => {
    expect((await submit('bob', { entitlementId: 'orders-read', subjectId: 'ci-deployer' })).body.error.code).toBe('request.subject_not_allowed')
    const ok = await submit('alice', { entitlementId: 'orders-read', subjectId: 'ci-deployer' })
    expect(ok.body.request).toMatchObject({ state: 'approved', subjectId: 'ci-deployer' })
    expect((await submit('alice', { entitlementId: 'orders-write', subjectId: 'ci-deployer' })).body.error.code).toBe('request.subject_not_allowed')
  })
})

describe('issuance re-checks policy with fresh data', () => {
  it('an offboarded requester gets nothing issued', async () => {
    const r = await world.as('alice').post('/v1/requests', { entitlementId: 'orders-write', justification: WHY })
    await world.as('olivia').post(`/v1/requests/${r.body.request.id}/reviews`, { verdict: 'approve' })
    const store = world.runtime.deps.store
    const alice = (await store.identities.get('alice'))!
    await store.identities.update({ ...alice, status: 'offboarded', version: alice.version + 1 }, alice.version)
    await runDueWork(world.runtime.deps)
    const [grant] = await store.grants.list({ requestId: r.body.request.id })
    expect(grant).toMatchObject({ state: 'revoked', revokeReason: 'activation_denied', credentialCiphertext: null })
    const types = (await store.audit.list({ limit: 100, grantId: grant!.id })).map((e) => e.type)
    expect(types).toContain('grant.activation_denied')
    expect(types).not.toContain('grant.activated')
  })
})
