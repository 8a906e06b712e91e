import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConnectorError } from '../../../src/connectors/connector.js'
import { generateWebhookSecret } from '../../../src/security/webhook-signature.js'
import { describeConnectorContract } from '../../contracts/connector.contract.js'
import { startWebhookTarget, type WebhookTarget } from '../../support/webhook-target.js'

const MINUTE = 60_000
const options = () => ({ signal: AbortSignal.timeout(10_000) })

async function failure(operation: Promise<unknown>): Promise<ConnectorError> {
  const error = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, `expected a ConnectorError, got ${inspect(error)}`).toBeInstanceOf(ConnectorError)
  return error as ConnectorError
}

describeConnectorContract('webhook', async () => {
  const target = await startWebhookTarget()
  return {
    instance: target.instance,
    spec: () => target.spec(),
    use: (credential) => target.endpoint.use(credential),
    teardown: () => target.teardown(),
  }
})

describe('webhook connector against a provisioning endpoint', () => {
  let t: WebhookTarget

  beforeEach(async () => {
    t = await startWebhookTarget()
  })
  afterEach(async () => {
    await t.teardown()
  })

  it('posts the documented, verifiable delivery for issue', async () => {
    const spec = t.spec()
    const issued = await t.instance.issue(spec, options())
    expect(t.endpoint.badSignatures).toEqual([])
    const [delivery] = t.endpoint.received
    expect(delivery?.body).toEqual({
      type: 'grant.issue',
      id: delivery?.id,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      grant: {
        id: spec.grantId,
        targetName: spec.targetName,
        subjectId: 'idn_alice',
        entitlementId: 'billing-admin',
        params: { entitlement: 'billing:admin', attributes: { region: 'eu', seats: 1 } },
        startsAt: spec.startsAt.toISOString(),
        expiresAt: spec.expiresAt.toISOString(),
      },
    })
    expect(issued.handle).toEqual({
      grantId: spec.grantId,
      targetName: spec.targetName,
      endpoint: { account: spec.targetName },
    })
    expect(issued.instructions).toContain('Authorization: Bearer')
  })

  it('uses a new delivery id for every operation', async () => {
    const issued = await t.instance.issue(t.spec(), options())
    await t.instance.inspect(issued.handle, options())
    await t.instance.revoke(issued.handle, options())
    const ids = t.endpoint.received.map((d) => d.id)
    expect(new Set(ids).size).toBe(3)
  })

  it('is refused by an endpoint holding another secret, once, as rejected (T18)', async () => {
    const forger = await startWebhookTarget({ secret: generateWebhookSecret() })
    try {
      const error = await failure(forger.instance.issue(forger.spec(), options()))
      expect(error).toMatchObject({ reason: 'rejected', retryable: false })
      expect(error.message).toContain('401')
      expect(forger.endpoint.badSignatures).toEqual(['no-matching-signature'])
      expect(forger.endpoint.received).toEqual([])
    } finally {
      await forger.teardown()
    }
  })

  it('is refused when its clock is off by more than the tolerance (T19)', async () => {
    const skewed = await startWebhookTarget({ now: () => new Date(Date.now() - 10 * MINUTE) })
    try {
      const spec = skewed.spec({ expiresAt: new Date(Date.now() + 30 * MINUTE) })
      const error = await failure(skewed.instance.issue(spec, options()))
      expect(error).toMatchObject({ reason: 'rejected', retryable: false })
      expect(skewed.endpoint.badSignatures).toEqual(['timestamp-too-old'])
    } finally {
      await skewed.teardown()
    }
  })

  it('treats 404 and 410 to revoke or remove as already gone', async () => {
    const spec = t.spec()
    const neverIssued = { grantId: spec.grantId, targetName: spec.targetName, endpoint: {} }
    await t.instance.revoke(neverIssued, options())
    t.endpoint.replyNext({ status: 410, body: { error: 'gone' } })
    await t.instance.revoke(neverIssued, options())
    const entry = { key: 'account:x', principal: 'x', grantId: null, privileges: [] }
    await t.instance.removeAccess(entry, options())
    expect(t.endpoint.received.map((d) => d.type)).toEqual([
      'grant.revoke',
      'grant.revoke',
      'access.remove',
    ])
  })

  it('never lets expiresAt pass the grant end, and keeps an earlier one', async () => {
    t.endpoint.issueExpiry = (end) => new Date(end.getTime() + 24 * 60 * MINUTE)
    const spec = t.spec()
    expect((await t.instance.issue(spec, options())).expiresAt).toEqual(spec.expiresAt)

    t.endpoint.issueExpiry = (end) => new Date(end.getTime() - 10 * MINUTE)
    const early = t.spec()
    const issued = await t.instance.issue(early, options())
    expect(issued.expiresAt).toEqual(new Date(early.expiresAt.getTime() - 10 * MINUTE))
  })

  it('reports liveness from the endpoint, and 404 as gone', async () => {
    const issued = await t.instance.issue(t.spec(), options())
    expect(await t.instance.inspect(issued.handle, options())).toBe('live')
    await t.instance.revoke(issued.handle, options())
    expect(await t.instance.inspect(issued.handle, options())).toBe('gone')
    t.endpoint.replyNext({ status: 404 })
    expect(await t.instance.inspect(issued.handle, options())).toBe('gone')
  })

  it('refuses to bring a revoked grant back: a late issue is a conflict', async () => {
    const spec = t.spec()
    await t.instance.revoke(
      { grantId: spec.grantId, targetName: spec.targetName, intent: true },
      options(),
    )
    const error = await failure(t.instance.issue(spec, options()))
    expect(error).toMatchObject({ reason: 'conflict', retryable: false })
    expect(t.endpoint.isLive(spec.grantId)).toBe(false)
  })

  it('lists what the endpoint manages, shadow access included, and removes it', async () => {
    const spec = t.spec()
    await t.instance.issue(spec, options())
    t.endpoint.addShadow('legacy_admin', ['billing:admin', 'audit:read', 'billing:admin'])
    const scope = { params: [{ entitlement: 'billing:admin' }] }
    const entries = await t.instance.list(scope, options())
    expect(entries).toEqual([
      {
        key: `account:${spec.targetName}`,
        principal: spec.targetName,
        grantId: spec.grantId,
        privileges: ['billing:admin'],
      },
      {
        key: 'account:legacy_admin',
        principal: 'legacy_admin',
        grantId: null,
        privileges: ['audit:read', 'billing:admin'],
      },
    ])
    expect(t.endpoint.received[1]?.body.scope).toEqual(scope)
    await t.instance.removeAccess(entries[1]!, options())
    expect((await t.instance.list(scope, options())).map((e) => e.principal)).toEqual([
      spec.targetName,
    ])
  })

  it.each([
    ['no handle', { credential: 'tok_abcdefgh' }],
    ['a string handle', { handle: 'acct-1', credential: 'tok_abcdefgh' }],
    ['a numeric credential', { handle: {}, credential: 12_345_678 }],
    ['a short credential', { handle: {}, credential: 'tok' }],
    ['an unparseable expiresAt', { handle: {}, credential: 'tok_abcdefgh', expiresAt: 'tomorrow' }],
    [
      'the credential inside the handle',
      { handle: { t: 'tok_abcdefgh' }, credential: 'tok_abcdefgh' },
    ],
    ['an array', ['tok_abcdefgh']],
  ])('rejects an issue answer with %s, without retrying or quoting it', async (_name, body) => {
    t.endpoint.replyNext({ status: 200, body })
    const error = await failure(t.instance.issue(t.spec(), options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(inspect(error, { showHidden: true, depth: null })).not.toContain('tok_abcdefgh')
    expect(t.endpoint.received).toHaveLength(1)
  })

  it.each([
    ['text that is not JSON', '{"handle": {}, "credential": "tok_abcdefgh"'],
    ['an empty body', ''],
    [
      'more than 1 MiB',
      JSON.stringify({ handle: { pad: 'x'.repeat(1024 * 1024) }, credential: 'tok_abcdefgh' }),
    ],
  ])('rejects an issue answer that is %s', async (_name, raw) => {
    t.endpoint.replyNext({ status: 200, raw })
    const error = await failure(t.instance.issue(t.spec(), options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(inspect(error, { showHidden: true, depth: null })).not.toContain('tok_abcdefgh')
  })

  it('rejects malformed inspect and list answers', async () => {
    const issued = await t.instance.issue(t.spec(), options())
    t.endpoint.replyNext({ status: 200, body: { live: 'yes' } })
    expect(await failure(t.instance.inspect(issued.handle, options()))).toMatchObject({
      reason: 'rejected',
    })
    const entry = { key: 'k', principal: 'p', grantId: null, privileges: [] }
    t.endpoint.replyNext({ status: 200, body: { entries: [entry, entry] } })
    expect(await failure(t.instance.list({ params: [] }, options()))).toMatchObject({
      reason: 'rejected',
    })
    t.endpoint.replyNext({ status: 200, body: { entries: [{ ...entry, privileges: 'all' }] } })
    expect(await failure(t.instance.list({ params: [] }, options()))).toMatchObject({
      reason: 'rejected',
    })
  })

  it('does not follow redirects', async () => {
    t.endpoint.replyNext({ status: 307, body: { error: 'moved' } })
    const error = await failure(t.instance.issue(t.spec(), options()))
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
    expect(error.message).toContain('307')
  })

  it('never shows the secret or a credential, even when the endpoint echoes them', async () => {
    const key = t.endpoint.secret.slice('whsec_'.length)
    t.endpoint.replyNext({
      status: 400,
      body: { error: `bad key ${key} for ${t.endpoint.secret}` },
    })
    const echoed = await failure(t.instance.issue(t.spec(), options()))
    expect(echoed.message).toContain('bad key [redacted]')

    t.endpoint.replyNext({
      status: 200,
      body: {
        handle: {},
        credential: 'tok_abcdefgh',
        instructions: `Use tok_abcdefgh, key ${key}`,
      },
    })
    const issued = await t.instance.issue(t.spec(), options())
    expect(issued.instructions).toBe('Use [credential], key [redacted]')

    t.endpoint.replyNext({ status: 200, body: { handle: { k: key }, credential: 'tok_abcdefgh' } })
    const inHandle = await failure(t.instance.issue(t.spec(), options()))
    for (const error of [echoed, inHandle]) {
      const text = inspect(error, { showHidden: true, depth: null })
      expect(text).not.toContain(key)
      expect(text).not.toContain('tok_abcdefgh')
    }
  })
})
