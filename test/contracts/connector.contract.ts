import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isSecret, type Secret } from '../../src/config/secret.js'
import {
  ConnectorError,
  type ConnectorInstance,
  type GrantSpec,
  type IssueResult,
} from '../../src/connectors/connector.js'

export type Access = 'allowed' | 'denied'

/** One live target prepared for the contract; `makeTarget` builds a fresh one per test. */
export interface ConnectorTarget {
  /** Created the way the host creates it: through the registry, so wrapped in redactSecrets. */
  instance: ConnectorInstance
  /** A grant for this target with a new grant id on every call. */
  spec(): GrantSpec
  /** Uses the credential for real, as its consumer would (log in, AUTH, ssh, verify a JWT). */
  use(credential: Secret): Promise<Access>
  /** What makes two handles the same credential on the target; the whole handle by default. */
  identity?(handle: Record<string, unknown>): unknown
  teardown(): Promise<void>
}

/** Generous: the real targets run on a small CI machine. */
const OPERATION_TIMEOUT_MS = 15_000

/**
 * The behaviour every connector owes the host (STYLE §4), checked against the real target:
 * issue → use → idempotent re-issue → revoke → denied → revoke again → gone.
 *
 * @example
 * describeConnectorContract('redis', async () => ({ instance, spec, use: auth, teardown }))
 */
export function describeConnectorContract(
  kind: string,
  makeTarget: () => Promise<ConnectorTarget>,
): void {
  describe(`connector contract: ${kind}`, () => {
    let target: ConnectorTarget
    const options = () => ({ signal: AbortSignal.timeout(OPERATION_TIMEOUT_MS) })
    const identity = (handle: Record<string, unknown>): unknown =>
      target.identity ? target.identity(handle) : handle
    /** Handles are stored with the grant, so revoke sees them after a JSON round trip. */
    const stored = (result: IssueResult): Record<string, unknown> =>
      JSON.parse(JSON.stringify(result.handle)) as Record<string, unknown>

    beforeEach(async () => {
      target = await makeTarget()
    })
    afterEach(async () => {
      await target.teardown()
    })

    it('issues a working credential, re-issues idempotently and revokes it for good', async () => {
      const { instance } = target
      const spec = target.spec()

      const first = await instance.issue(spec, options())
      expectWellFormed(first, spec)
      expect(await target.use(first.credential)).toBe('allowed')
      if (instance.inspect) expect(await instance.inspect(stored(first), options())).toBe('live')

      const again = await instance.issue(spec, options())
      expectWellFormed(again, spec)
      expect(identity(stored(again))).toEqual(identity(stored(first)))
      expect(await target.use(again.credential)).toBe('allowed')

      await instance.revoke(stored(again), options())
      expect(await target.use(again.credential)).toBe('denied')
      expect(await target.use(first.credential)).toBe('denied')

      await instance.revoke(stored(again), options())
      await instance.revoke(stored(first), options())
      if (instance.inspect) expect(await instance.inspect(stored(again), options())).toBe('gone')
      expect(await target.use(again.credential)).toBe('denied')
    })

    it('revokes by intent handle when issuance crashed before its handle was stored', async () => {
      const spec = target.spec()
      const issued = await target.instance.issue(spec, options())
      expect(await target.use(issued.credential)).toBe('allowed')

      const intent = { grantId: spec.grantId, targetName: spec.targetName, intent: true }
      await target.instance.revoke(intent, options())
      expect(await target.use(issued.credential)).toBe('denied')
      await target.instance.revoke(intent, options())
    })

    it('treats revoking a credential that was never issued as success', async () => {
      const spec = target.spec()
      await target.instance.revoke(
        { grantId: spec.grantId, targetName: spec.targetName, intent: true },
        options(),
      )
    })

    it('keeps one grant’s revocation away from another grant’s credential', async () => {
      const kept = await target.instance.issue(target.spec(), options())
      const revoked = await target.instance.issue(target.spec(), options())
      await target.instance.revoke(stored(revoked), options())
      expect(await target.use(revoked.credential)).toBe('denied')
      expect(await target.use(kept.credential)).toBe('allowed')
      await target.instance.revoke(stored(kept), options())
    })

    it('refuses a malformed handle with a ConnectorError instead of reporting success', async () => {
      await expectConnectorError(target.instance.revoke({ nonsense: true }, options()))
    })

    it('fails with a retryable ConnectorError when the caller has already given up', async () => {
      const aborted = { signal: AbortSignal.abort() }
      const error = await expectConnectorError(target.instance.issue(target.spec(), aborted))
      expect(error.retryable).toBe(true)
    })
  })
}

function expectWellFormed(result: IssueResult, spec: GrantSpec): void {
  expect(isSecret(result.credential)).toBe(true)
  expect(String(result.credential)).toBe('[redacted]')
  expect(JSON.stringify(result)).not.toContain(result.credential.reveal())
  expect(result.instructions ?? '').not.toContain(result.credential.reveal())
  expect(result.expiresAt.getTime()).toBeLessThanOrEqual(spec.expiresAt.getTime())
  expect(JSON.parse(JSON.stringify(result.handle))).toEqual(result.handle)
}

async function expectConnectorError(operation: Promise<unknown>): Promise<ConnectorError> {
  const error = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, `expected a ConnectorError, got ${inspect(error)}`).toBeInstanceOf(ConnectorError)
  return error as ConnectorError
}
