import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import type { GrantSpec } from '../connector.js'
import { jwtConfigSchema } from './config.js'
import { createJwtConnector, jtiForGrant } from './jwt-connector.js'
import { expiryRecordKey, tokenRecordKey } from './revocation-records.js'

const T0 = new Date('2031-03-04T05:00:00.000Z')
const options = () => ({ signal: new AbortController().signal })
const config = jwtConfigSchema.parse({ issuer: 'https://hg.test', audience: 'https://api.test' })

/** A node: its own clock, the target's shared state (as two processes share one database). */
function node(state: MemoryConnectorState, clock: { now: Date }) {
  return createJwtConnector(config, { now: () => clock.now, newId: (p) => `${p}_1`, state })
}

const spec = (grantId: string, expiresAt: Date): GrantSpec => ({
  grantId,
  targetName: `hg_${grantId}`,
  subjectId: 'idn_alice',
  entitlementId: 'orders-read',
  params: { scopes: ['orders:read'] },
  startsAt: T0,
  expiresAt,
})

/**
 * Two nodes on one state, a token issued by A for a grant ending a minute from T0, and the clocks
 * put where A has passed the token's exp while B, 5 s behind, has not.
 */
async function nodesAroundExpiry() {
  const state = new MemoryConnectorState()
  const ahead = { now: T0 }
  const behind = { now: T0 }
  const a = node(state, ahead)
  const b = node(state, behind)
  const end = new Date(T0.getTime() + 60_000)
  const token = await a.issue(spec('grt_a', end), options())
  ahead.now = new Date(end.getTime() + 100)
  behind.now = new Date(end.getTime() - 4_900)
  return { a, b, token }
}

describe('jwt revocation records', () => {
  it('records tokens revoked past their exp once per expiry second, and verifies each gone', async () => {
    const state = new MemoryConnectorState()
    const clock = { now: T0 }
    const jwt = node(state, clock)
    const end = new Date(T0.getTime() + 60_000)
    const tokens = await Promise.all(
      ['grt_a', 'grt_b', 'grt_c'].map((id) => jwt.issue(spec(id, id === 'grt_c' ? new Date(end.getTime() + 1_000) : end), options())),
    )
    clock.now = new Date(end.getTime() + 1_500)
    const outcomes = await jwt.revokeMany!(tokens.map((t) => t.handle), options())
    expect(outcomes).toEqual(tokens.map(() => ({ ok: true, liveness: 'gone' })))
    const exp = Math.floor(end.getTime() / 1000)
    expect(state.entries().map(([k]) => k).filter((k) => !k.startsWith('signing'))).toEqual(
      [expiryRecordKey(exp), expiryRecordKey(exp + 1)],
    )
  })

  it('gives a token revoked inside its lifetime a record of its own, and leaves its exp-second peers active', async () => {
    const state = new MemoryConnectorState()
    const clock = { now: T0 }
    const jwt = node(state, clock)
    const end = new Date(T0.getTime() + 60_000)
    const early = await jwt.issue(spec('grt_early', end), options())
    const peer = await jwt.issue(spec('grt_peer', end), options())
    expect(await jwt.revokeMany!([early.handle], options())).toEqual([{ ok: true, liveness: 'gone' }])
    expect(state.entries().map(([k]) => k)).toContain(tokenRecordKey(jtiForGrant('grt_early')))
    expect(state.entries().map(([k]) => k)).not.toContain(expiryRecordKey(Math.floor(end.getTime() / 1000)))
    expect(await jwt.introspect(early.credential.reveal())).toEqual({ active: false })
    expect((await jwt.introspect(peer.credential.reveal())).active).toBe(true)
  })

  it('refuses, on a node whose clock runs behind, a token another node revoked at its expiry', async () => {
    const { a, b, token } = await nodesAroundExpiry()
    expect(await a.revokeMany!([token.handle], options())).toEqual([{ ok: true, liveness: 'gone' }])
    expect(await a.introspect(token.credential.reveal())).toEqual({ active: false })
    expect(await b.introspect(token.credential.reveal())).toEqual({ active: false })
  })

  it('keeps a token active on the behind node while nothing revoked it', async () => {
    const state = new MemoryConnectorState()
    const clock = { now: T0 }
    const jwt = node(state, clock)
    const end = new Date(T0.getTime() + 60_000)
    const token = await jwt.issue(spec('grt_a', end), options())
    clock.now = new Date(end.getTime() - 4_900)
    expect((await jwt.introspect(token.credential.reveal())).active).toBe(true)
  })

  it('records a single revoke past exp by its expiry second as well', async () => {
    const { a, b, token } = await nodesAroundExpiry()
    await a.revoke(token.handle, options())
    expect(await a.inspect(token.handle, options())).toBe('gone')
    expect(await b.introspect(token.credential.reveal())).toEqual({ active: false })
  })
})
