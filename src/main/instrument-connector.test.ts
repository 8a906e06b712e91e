import { describe, expect, it } from 'vitest'
import { ConnectorError, type ConnectorInstance, type GrantSpec } from '../connectors/connector.js'
import { Secret } from '../config/secret.js'
import { instrumentConnector, type ConnectorOperation } from './instrument-connector.js'

const spec: GrantSpec = {
  grantId: 'grt_1',
  targetName: 'hg_grt_1',
  subjectId: 'alice',
  entitlementId: 'e',
  params: {},
  startsAt: new Date(0),
  expiresAt: new Date(60_000),
}

/** A minimal instance with a kind-specific extra, like the jwt connector's `jwks`. */
function instance(revoke: (signal: AbortSignal) => Promise<void>): ConnectorInstance & { jwks(): { keys: object[] } } {
  return {
    issue: (_spec: GrantSpec, _options: { signal: AbortSignal }) => Promise.resolve({ handle: { n: 1 }, credential: new Secret('s'), expiresAt: new Date(60_000) }),
    revoke: (_handle: Record<string, unknown>, { signal }: { signal: AbortSignal }) => revoke(signal),
    privilegesFor: (_params: Record<string, unknown>) => ['read'],
    jwks: () => ({ keys: [] }),
    close: () => Promise.resolve(),
  }
}

describe('instrumentConnector', () => {
  it('reports each target call once with its outcome, and leaves local methods and extras alone', async () => {
    const seen: ConnectorOperation[] = []
    let calls = 0
    const wrapped = instrumentConnector(
      instance(() => {
        calls++
        return Promise.reject(new ConnectorError('rejected', 'no', { retryable: false }))
      }),
      'webhook',
      (o) => seen.push(o),
    )
    const signal = new AbortController().signal
    await wrapped.issue(spec, { signal })
    await expect(wrapped.revoke({}, { signal })).rejects.toMatchObject({ reason: 'rejected' })
    expect(wrapped.privilegesFor?.({})).toEqual(['read'])
    expect(wrapped.jwks()).toEqual({ keys: [] })
    expect(typeof wrapped.inspect).toBe('undefined')
    expect(calls).toBe(1)
    expect(seen.map(({ kind, op, outcome }) => [kind, op, outcome])).toEqual([
      ['webhook', 'issue', 'ok'],
      ['webhook', 'revoke', 'rejected'],
    ])
    expect(seen.every((o) => o.seconds >= 0)).toBe(true)
  })

  it('calls a failure after the host gave up on the call a timeout, whatever was thrown', async () => {
    const seen: ConnectorOperation[] = []
    const controller = new AbortController()
    const wrapped = instrumentConnector(
      instance((signal) => {
        controller.abort()
        return Promise.reject(signal.reason as Error)
      }),
      'ssh',
      (o) => seen.push(o),
    )
    await expect(wrapped.revoke({}, { signal: controller.signal })).rejects.toThrow()
    expect(seen.map((o) => o.outcome)).toEqual(['timeout'])
  })
})
