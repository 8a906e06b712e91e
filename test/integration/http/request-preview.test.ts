import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
beforeEach(async () => {
  world = await startTestWorld()
})
afterEach(async () => {
  await world.close()
})

const WHY = 'Investigate order 1234 for a customer ticket'

/** What a preview must leave exactly as it found it. */
async function footprint() {
  const { store } = world.runtime.deps
  return {
    head: await store.audit.head(),
    requests: (await store.requests.list({ limit: 10_000 })).length,
    grants: (await store.grants.list({ limit: 10_000 })).length,
  }
}

/** Previews, checks nothing was written, then submits the same body. */
async function previewThenSubmit(who: string, body: Record<string, unknown>) {
  const before = await footprint()
  const preview = await world.as(who).post('/v1/requests/preview', body)
  expect(await footprint()).toEqual(before)
  const submit = await world.as(who).post('/v1/requests', body)
  return { preview, submit }
}

describe('POST /v1/requests/preview agrees with POST /v1/requests', () => {
  it('low risk: auto-approved for the asked duration', async () => {
    const body = { entitlementId: 'orders-read', justification: WHY, duration: '30m' }
    const { preview, submit } = await previewThenSubmit('alice', body)
    expect(preview.status).toBe(200)
    expect(preview.body).toMatchObject({
      allowed: true,
      autoApproved: true,
      obligations: { approvalsNeeded: 0, dualApproval: false },
      duration: { requested: 1800, granted: 1800, clampedBecause: null },
      determiningPolicies: ['request-low'],
    })
    expect(submit.status).toBe(201)
    expect(submit.body.request.state).toBe('approved')
    expect(submit.body.grant).not.toBeNull()
    expect(preview.body.policyHash).toBe(submit.body.request.policyHash)
    expect(preview.body.obligations).toMatchObject(submit.body.request.obligations)
    expect(preview.body.eligibleReviewers.map((r: { id: string }) => r.id)).toEqual(
      submit.body.request.eligibleReviewers,
    )
  })

  it('medium risk: one approval from the owner, named with a display name', async () => {
    const body = { entitlementId: 'orders-write', justification: WHY }
    const { preview, submit } = await previewThenSubmit('alice', body)
    expect(preview.body).toMatchObject({
      allowed: true,
      autoApproved: false,
      obligations: { approvalsNeeded: 1, ownerApproval: true, dualApproval: false },
      eligibleReviewers: [{ id: 'olivia', displayName: 'Olivia Orders-Owner' }],
      // No duration asked: the catalog default is what would be granted.
      duration: { requested: null, granted: 3600 },
    })
    expect(preview.body.duration.clampedBecause).toMatch(/default/)
    expect(submit.body.request.state).toBe('pending')
    expect(submit.body.request.durationSeconds).toBe(preview.body.duration.granted)
    expect(preview.body.eligibleReviewers.map((r: { id: string }) => r.id)).toEqual(
      submit.body.request.eligibleReviewers,
    )
  })

  it('high risk: dual approval from the owner and security', async () => {
    const body = { entitlementId: 'payments-refund', justification: WHY, ticketRef: 'OPS-42', duration: '45m' }
    const { preview, submit } = await previewThenSubmit('alice', body)
    expect(preview.body).toMatchObject({
      allowed: true,
      autoApproved: false,
      obligations: {
        approvalsNeeded: 2,
        dualApproval: true,
        ownerApproval: true,
        approverGroups: ['security'],
        maxDurationSeconds: 3600,
        ticketRequired: true,
      },
      determiningPolicies: ['request-high'],
    })
    expect(preview.body.eligibleReviewers.map((r: { id: string }) => r.id)).toEqual(['paul', 'sam'])
    expect(submit.body.request.state).toBe('pending')
    expect(submit.body.request.eligibleReviewers).toEqual(['paul', 'sam'])
  })

  it('denied by policy: the preview says why, submit refuses for the same reasons', async () => {
    const { store } = world.runtime.deps
    const write = (await store.catalog.getEntitlement('orders-write'))!
    await store.catalog.upsertEntitlement({ ...write, subjectKinds: ['human', 'workload'] })
    const body = { entitlementId: 'orders-write', justification: WHY }
    const { preview, submit } = await previewThenSubmit('ci-deployer', body)
    expect(preview.status).toBe(200)
    expect(preview.body).toMatchObject({ allowed: false, autoApproved: false, eligibleReviewers: [] })
    expect(preview.body.determiningPolicies).toContain('request-nhi-above-low')
    expect(submit.body.error.code).toBe('request.denied_by_policy')
    expect(preview.body.reasons).toEqual(submit.body.error.details.reasons)
    expect(preview.body.reasons.length).toBeGreaterThan(0)
  })

  it('a duration over the policy or catalog cap: the same refusal, code and maximum', async () => {
    const { store } = world.runtime.deps
    const refund = (await store.catalog.getEntitlement('payments-refund'))!
    // A catalog cap above the policy's, so the policy's 1h is the one that bites.
    await store.catalog.upsertEntitlement({ ...refund, maxDurationSeconds: 4 * 3600 })
    for (const [duration, source, max] of [['2h', 'policy', 3600], ['5h', 'catalog', 4 * 3600]] as const) {
      const body = { entitlementId: 'payments-refund', justification: WHY, ticketRef: 'OPS-42', duration }
      const { preview, submit } = await previewThenSubmit('alice', body)
      expect(preview.status).toBe(submit.status)
      expect(preview.body.error.code).toBe('grant.window_exceeds_policy')
      expect(submit.body.error.code).toBe('grant.window_exceeds_policy')
      expect(preview.body.error.details).toEqual(submit.body.error.details)
      expect(preview.body.error.details).toMatchObject({ source, maxSeconds: max })
    }
  })

  it('an exception that applies shows its effect and is not spent by looking', async () => {
    const exc = await world.as('olivia').post('/v1/exceptions', {
      scope: { identityId: 'alice', entitlementId: 'orders-write' },
      reason: 'Alice runs the spring migration clean-up every day this week',
      for: '7d',
    })
    expect(exc.status).toBe(201)
    const body = { entitlementId: 'orders-write', justification: WHY, duration: '1h' }
    const { preview, submit } = await previewThenSubmit('alice', body)
    expect(preview.body).toMatchObject({ allowed: true, autoApproved: true })
    expect(preview.body.determiningPolicies).toEqual(['request-medium-exception'])
    expect(submit.body.request.state).toBe('approved')
    // Only the submit counted a use; the preview before it did not.
    expect((await world.as('olivia').get(`/v1/exceptions/${exc.body.id}`)).body.uses).toBe(1)
  })

  it('refused input gets the same codes as submit and writes nothing', async () => {
    const cases = [
      { entitlementId: 'nope', justification: WHY },
      { entitlementId: 'orders-read', justification: 'short' },
      { entitlementId: 'orders-read', justification: WHY, subjectId: 'bob' },
      { entitlementId: 'payments-refund', justification: WHY },
    ]
    for (const body of cases) {
      const { preview, submit } = await previewThenSubmit('alice', body)
      expect([preview.status, preview.body.error?.code]).toEqual([submit.status, submit.body.error?.code])
    }
  })

  it('needs an identity', async () => {
    const res = await world.as(null).post('/v1/requests/preview', { entitlementId: 'orders-read', justification: WHY })
    expect(res.status).toBe(401)
  })
})
