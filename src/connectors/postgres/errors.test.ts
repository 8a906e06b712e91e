import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConnectorError } from '../connector.js'
import { combineFailures, errorCode, toConnectorError } from './errors.js'

function pgError(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' })
}

describe('postgres error mapping', () => {
  it.each([
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'unreachable',
      true,
    ],
    [
      'a connect timeout',
      new Error('timeout exceeded when trying to connect'),
      'unreachable',
      true,
    ],
    ['a dropped connection', new Error('Connection terminated unexpectedly'), 'unreachable', true],
    ['a statement timeout', pgError('57014'), 'unreachable', true],
    ['an admin shutdown', pgError('57P01'), 'unreachable', true],
    ['too many connections', pgError('53300'), 'unreachable', true],
    ['a connection failure', pgError('08006'), 'unreachable', true],
    ['permission denied', pgError('42501'), 'rejected', false],
    ['a refused connector login', pgError('28P01'), 'rejected', false],
    ['a missing role', pgError('42704'), 'not-found', false],
    ['a concurrent create', pgError('42710'), 'conflict', true],
    ['a deadlock', pgError('40P01'), 'conflict', true],
    ['objects left in another database', pgError('2BP01'), 'rejected', false],
    ['a syntax error', pgError('42601'), 'rejected', false],
  ] as const)('maps %s', (_name, error, reason, retryable) => {
    const mapped = toConnectorError(error, 'step')
    expect(mapped).toBeInstanceOf(ConnectorError)
    expect({ reason: mapped.reason, retryable: mapped.retryable }).toEqual({ reason, retryable })
  })

  it('keeps the SQLSTATE but never a verifier the server echoed', () => {
    const verifier = 'SCRAM-SHA-256$4096:c2FsdA==$U3RvcmVk+/=:U2VydmVy'
    const mapped = toConnectorError(pgError('42601', `syntax error at or near "${verifier}"`), 'x')
    expect(errorCode(mapped)).toBe('42601')
    expect(inspect(mapped, { showHidden: true, depth: null })).not.toContain('U3RvcmVk')
    expect(mapped.message).toContain('[verifier]')
  })

  it('passes a ConnectorError through untouched', () => {
    const original = new ConnectorError('conflict', 'held', { retryable: true })
    expect(toConnectorError(original, 'x')).toBe(original)
  })

  it('combines failures: unreachable wins, retryable only if all are', () => {
    const rejected = new ConnectorError('rejected', 'a', { retryable: false })
    const unreachable = new ConnectorError('unreachable', 'b', { retryable: true })
    const combined = combineFailures([rejected, unreachable], 'revoke')
    expect(combined.reason).toBe('unreachable')
    expect(combined.retryable).toBe(false)
    expect(combineFailures([unreachable], 'revoke')).toBe(unreachable)
  })
})
