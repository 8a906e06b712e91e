import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../test/support/memory-connector-state.js'
import { AppError } from '../domain/errors.js'
import { isJwtConnectorInstance } from './jwt/index.js'
import {
  CONNECTOR_KINDS,
  CONNECTORS,
  connectorDefinition,
  createConnector,
  parseConnectorConfig,
  parseConnectorParams,
} from './registry.js'

const deps = () => ({
  now: () => new Date('2031-01-01T00:00:00Z'),
  newId: (prefix: string) => `${prefix}_1`,
  state: new MemoryConnectorState(),
})

function thrown(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected an AppError')
}

describe('connector registry', () => {
  it('files every kind under its own name', () => {
    for (const kind of CONNECTOR_KINDS) expect(CONNECTORS[kind].kind).toBe(kind)
  })

  it.each(['', 'JWT', 'constructor', '__proto__', 'toString'])(
    'refuses the unknown kind %j',
    (kind) => {
      expect(thrown(() => connectorDefinition(kind)).code).toBe('connector.unknown_kind')
    },
  )

  it('lists every configuration issue with its path and never the input', () => {
    const error = thrown(() =>
      createConnector('jwt', { issuer: 'not a url', audience: '', extra: 'p4ssw0rd' }, deps()),
    )
    expect(error.code).toBe('catalog.invalid')
    const issues = (error.details?.issues ?? []) as { path: string }[]
    expect([...new Set(issues.map((i) => i.path))].sort()).toEqual(['', 'audience', 'issuer'])
    expect(JSON.stringify(error.details)).not.toContain('p4ssw0rd')
  })

  it('validates entitlement params separately from target configuration', () => {
    expect(parseConnectorParams('jwt', { scopes: ['a:b'] })).toEqual({ scopes: ['a:b'] })
    expect(thrown(() => parseConnectorParams('jwt', { scopes: [] })).code).toBe('catalog.invalid')
    expect(parseConnectorConfig('jwt', { issuer: 'https://i.test', audience: 'a' })).toEqual({
      issuer: 'https://i.test',
      audience: 'a',
      maxTtlSeconds: 3600,
    })
  })

  it('creates a wrapped instance whose failures are ConnectorErrors', async () => {
    const instance = createConnector('jwt', { issuer: 'https://i.test', audience: 'a' }, deps())
    const options = { signal: new AbortController().signal }
    await expect(instance.revoke({ bogus: 1 }, options)).rejects.toMatchObject({
      name: 'ConnectorError',
      reason: 'rejected',
    })
    expect((await instance.jwks()).keys).toHaveLength(1)
    expect(isJwtConnectorInstance(instance)).toBe(true)
  })
})
