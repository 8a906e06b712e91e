import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import type { ConnectorStateStore, GrantSpec } from '../connector.js'
import { jwtConfigSchema } from './config.js'
import { createJwtConnector, jtiForGrant } from './jwt-connector.js'
import { expiryRecordKey, tokenRecordKey } from './revocation-records.js'

/*
 * Every revocation record says how long it matters (its token's exp), so the prune step can drop
 * it once the token's own exp refuses it; what must stay for good says nothing (null).
 */

const START = new Date('2031-03-04T05:06:07.000Z')
const options = () => ({ signal: new AbortController().signal })
const seconds = (d: Date) => Math.floor(d.getTime() / 1000)

function setup(wrap: (s: MemoryConnectorState) => ConnectorStateStore = (s) => s) {
  let now = START
  const state = new MemoryConnectorState()
  const config = jwtConfigSchema.parse({ issuer: 'https://hg.test', audience: 'https://api.test' })
  const instance = createJwtConnector(config, {
    now: () => now,
    newId: (p) => `${p}_1`,
    state: wrap(state),
  })
  const spec = (
    grantId: string,
    minutes: number,
    params: Record<string, unknown> = {},
  ): GrantSpec => ({
    grantId,
    targetName: `hg_${grantId}`,
    subjectId: 'idn_alice',
    entitlementId: 'orders-read',
    params: { scopes: ['orders:read'], ...params },
    startsAt: now,
    expiresAt: new Date(now.getTime() + minutes * 60_000),
  })
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms)
  }
  return { state, instance, spec, advance }
}

/** The same store without its batch methods: records go one by one through putIfAbsent. */
function oneByOne(state: MemoryConnectorState): ConnectorStateStore {
  return {
    get: (k) => state.get(k),
    put: (k, v, exp) => state.put(k, v, exp),
    putIfAbsent: (k, v, exp) => state.putIfAbsent(k, v, exp),
  }
}

const exp = (handle: Record<string, unknown>) => handle.exp as number

describe('jwt revocation records carry their token exp', () => {
  it('revoke: inside its lifetime by jti, past it by the expiry second, both with the token exp', async () => {
    const { state, instance, spec, advance } = setup()
    const early = await instance.issue(spec('grt_early', 60), options())
    const late = await instance.issue(spec('grt_late', 10), options())
    await instance.revoke(early.handle, options())
    advance(11 * 60_000)
    await instance.revoke(late.handle, options())
    const exps = state.exps()
    expect(exps.get(tokenRecordKey(jtiForGrant('grt_early')))).toBe(exp(early.handle))
    expect(exps.get(expiryRecordKey(exp(late.handle)))).toBe(exp(late.handle))
    expect(exp(early.handle)).toBeGreaterThan(seconds(START))
  })

  it('a token revoked before it was issued keeps its record for good (null), so it is never minted later', async () => {
    const { state, instance } = setup()
    await instance.revoke({ grantId: 'grt_never' }, options())
    expect(state.exps().get(tokenRecordKey(jtiForGrant('grt_never')))).toBeNull()
  })

  it.each([
    ['with batch writes', undefined],
    ['one by one', oneByOne],
  ] as const)('revokeMany gives each record its token exp (%s)', async (_, wrap) => {
    const { state, instance, spec, advance } = setup(wrap)
    const early = await instance.issue(spec('grt_a', 60), options())
    const expired = await instance.issue(spec('grt_b', 10), options())
    advance(11 * 60_000)
    const outcomes = await instance.revokeMany!(
      [early.handle, expired.handle, { grantId: 'grt_c' }],
      options(),
    )
    expect(outcomes.every((o) => o.ok)).toBe(true)
    expect(state.exps()).toEqual(
      new Map([
        ['signing-key', null],
        [tokenRecordKey(jtiForGrant('grt_a')), exp(early.handle)],
        [expiryRecordKey(exp(expired.handle)), exp(expired.handle)],
        [tokenRecordKey(jtiForGrant('grt_c')), null],
      ]),
    )
  })

  it('revokeManyInStore into a state without batch writes gives each record its token exp', async () => {
    const { state, instance, spec, advance } = setup()
    const early = await instance.issue(spec('grt_a', 60), options())
    const expired = await instance.issue(spec('grt_b', 10), options())
    advance(11 * 60_000)
    await instance.revokeManyInStore!([early.handle, expired.handle], oneByOne(state), options())
    expect(state.exps().get(tokenRecordKey(jtiForGrant('grt_a')))).toBe(exp(early.handle))
    expect(state.exps().get(expiryRecordKey(exp(expired.handle)))).toBe(exp(expired.handle))
  })

  it('signing keys and issued audiences matter for good', async () => {
    const { state, instance, spec } = setup()
    await instance.issue(spec('grt_aud', 60, { audience: 'https://other.test' }), options())
    const kept = [...state.exps()]
    expect(kept.map(([key]) => key.replace(/:.*/, ''))).toEqual(['audience', 'signing-key'])
    expect(kept.map(([, e]) => e)).toEqual([null, null])
  })
})
