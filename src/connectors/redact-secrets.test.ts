import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { Secret } from '../config/secret.js'
import {
  ConnectorError,
  type ConnectorInstance,
  type GrantSpec,
  type IssueResult,
  type OperationOptions,
} from './connector.js'
import { redactSecrets } from './redact-secrets.js'

const PASSWORD = 's3cr3t/p@ss word'
const options = { signal: new AbortController().signal }
const GRANT: GrantSpec = {
  grantId: 'g',
  targetName: 't',
  subjectId: 's',
  entitlementId: 'e',
  params: {},
  startsAt: new Date(0),
  expiresAt: new Date(1),
}

/** A connector that fails the way drivers do: by echoing what it was given. */
function leakyConnector(fail: () => unknown) {
  let issuedToken = ''
  const instance = {
    issue(_grant: GrantSpec, _options: OperationOptions): Promise<IssueResult> {
      issuedToken = `tok-${PASSWORD.length}-abcdef0123456789`
      return Promise.resolve({
        handle: { id: 'h1' },
        credential: new Secret(issuedToken),
        expiresAt: new Date(0),
      })
    },
    revoke(_handle: Record<string, unknown>, _options: OperationOptions): Promise<void> {
      // Drivers do reject with non-Errors; the decorator must cope.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(fail())
    },
    close(): Promise<void> {
      throw fail()
    },
    extra(n: number): number {
      return n * 2
    },
    lastToken: () => issuedToken,
  } satisfies ConnectorInstance & Record<string, unknown>
  return instance
}

function rendered(error: unknown): string {
  return inspect(error, { showHidden: true, depth: null })
}

async function failureOf(operation: Promise<unknown>): Promise<ConnectorError> {
  const error: unknown = await operation.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConnectorError)
  return error as ConnectorError
}

describe('redactSecrets', () => {
  it('scrubs a config secret from the message, stack and whole cause chain', async () => {
    const root = Object.assign(new Error(`auth failed for password=${PASSWORD}`), {
      code: '28P01',
      detail: `echo ${PASSWORD}`,
      query: { text: 'ALTER ROLE', values: [PASSWORD] },
    })
    const wrapped = redactSecrets(
      leakyConnector(
        () =>
          new ConnectorError('rejected', `login ${PASSWORD} refused`, {
            retryable: false,
            cause: new Error('driver', { cause: root }),
          }),
      ),
      () => [PASSWORD],
    )

    const error = await failureOf(wrapped.revoke({}, options))
    expect(error.reason).toBe('rejected')
    expect(error.retryable).toBe(false)
    expect(error.message).toBe('login [redacted] refused')
    expect(rendered(error)).not.toContain(PASSWORD)
    const inner = (error.cause as Error).cause as Error & Record<string, unknown>
    expect(inner.message).toBe('auth failed for password=[redacted]')
    expect(inner.code).toBe('28P01')
    expect(inner.detail).toBe('echo [redacted]')
    expect(inner.query).toBeUndefined()
  })

  it('turns a foreign throw into a retryable unreachable ConnectorError', async () => {
    const wrapped = redactSecrets(
      leakyConnector(
        () => new TypeError(`bad url postgres://u:${encodeURIComponent(PASSWORD)}@db`),
      ),
      () => [PASSWORD],
    )
    const error = await failureOf(wrapped.revoke({}, options))
    expect(error.reason).toBe('unreachable')
    expect(error.retryable).toBe(true)
    expect(error.message).toBe('TypeError: bad url postgres://u:[redacted]@db')
    expect(rendered(error)).not.toContain(encodeURIComponent(PASSWORD))
  })

  it.each([
    ['a string', () => `boom ${PASSWORD}`],
    ['a plain object', () => ({ body: { password: PASSWORD } })],
    ['a JSON body', () => new Error(JSON.stringify({ password: PASSWORD }))],
    ['an AggregateError', () => new AggregateError([new Error(PASSWORD)], 'all failed')],
  ])('scrubs %s thrown by a method', async (_name, fail) => {
    const wrapped = redactSecrets(leakyConnector(fail), () => [PASSWORD])
    const error = await failureOf(wrapped.revoke({}, options))
    expect(rendered(error)).not.toContain(PASSWORD)
    expect(rendered(error)).not.toContain(JSON.stringify(PASSWORD).slice(1, -1))
  })

  it('scrubs a credential the instance issued from later errors', async () => {
    const leaky = leakyConnector(() => new Error(`revoke failed for ${leaky.lastToken()}`))
    const wrapped = redactSecrets(leaky, () => [])
    const issued = await wrapped.issue(GRANT, options)
    const error = await failureOf(wrapped.revoke({}, options))
    expect(rendered(error)).not.toContain(issued.credential.reveal())
    expect(error.message).toBe('Error: revoke failed for [redacted]')
  })

  it('guards synchronous throws and reads secrets at failure time', () => {
    const secrets: string[] = []
    const wrapped = redactSecrets(
      leakyConnector(() => new Error(`rotated ${PASSWORD}`)),
      () => secrets,
    )
    secrets.push(PASSWORD)
    expect(() => wrapped.close()).toThrow(ConnectorError)
    expect(() => wrapped.close()).toThrow('Error: rotated [redacted]')
  })

  it('passes results through unchanged and keeps kind-specific methods', async () => {
    const leaky = leakyConnector(() => new Error('unused'))
    const wrapped = redactSecrets(leaky, () => [PASSWORD])
    expect(wrapped.extra(21)).toBe(42)
    const result = await wrapped.issue(GRANT, options)
    expect(result.handle).toEqual({ id: 'h1' })
    expect(result.credential.reveal()).toBe(leaky.lastToken())
  })

  it('survives a cyclic cause chain', async () => {
    const a = new Error(`a ${PASSWORD}`)
    const b = new Error('b', { cause: a })
    a.cause = b
    const wrapped = redactSecrets(
      leakyConnector(() => a),
      () => [PASSWORD],
    )
    const error = await failureOf(wrapped.revoke({}, options))
    expect(rendered(error)).not.toContain(PASSWORD)
  })
})
