import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import { ConnectorError, type ConnectorStateStore } from '../connector.js'
import { StateChain } from './state-chain.js'

const list = z.array(z.number())
const chain = (state: ConnectorStateStore) => new StateChain(state, 'numbers', list, [])

/** Yields between every state call, so concurrent updates really interleave. */
class InterleavingState extends MemoryConnectorState {
  override async get(key: string): Promise<string | null> {
    await new Promise((resolve) => setImmediate(resolve))
    return super.get(key)
  }
  override async putIfAbsent(key: string, value: string): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve))
    return super.putIfAbsent(key, value)
  }
}

describe('StateChain', () => {
  it('starts empty at version 0', async () => {
    expect(await chain(new MemoryConnectorState()).read()).toEqual({ version: 0, value: [] })
  })

  it('loses no update when several processes update at once', async () => {
    const state = new InterleavingState()
    const processes = [chain(state), chain(state), chain(state)]
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => processes[i % 3]!.update((current) => [...current, i])),
    )
    const { version, value } = await chain(state).read()
    expect(version).toBe(24)
    expect([...value].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i))
  })

  it('writes nothing when the change is null', async () => {
    const state = new MemoryConnectorState()
    await chain(state).update(() => [1])
    expect(await chain(state).update(() => null)).toEqual({ version: 1, value: [1] })
    expect(state.entries().filter(([key]) => key.startsWith('numbers:v'))).toHaveLength(1)
  })

  it('keeps only the newest value in full: older versions are superseded', async () => {
    const state = new MemoryConnectorState()
    for (let i = 0; i < 5; i++) await chain(state).update((current) => [...current, i])
    const versions = state.entries().filter(([key]) => key.startsWith('numbers:v'))
    expect(versions.filter(([, value]) => value !== '"superseded"')).toEqual([
      ['numbers:v5', '[0,1,2,3,4]'],
    ])
  })

  it('reads past a head hint that lags behind', async () => {
    const state = new MemoryConnectorState()
    for (let i = 0; i < 3; i++) await chain(state).update((current) => [...current, i])
    await state.put('numbers:head', '1')
    expect(await chain(state).read()).toEqual({ version: 3, value: [0, 1, 2] })
  })

  it('reports a malformed value as a conflict without quoting it', async () => {
    const state = new MemoryConnectorState()
    await state.put('numbers:v1', '{"secret-looking": tru')
    const error = await chain(state)
      .read()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectorError)
    expect((error as ConnectorError).reason).toBe('conflict')
    expect((error as Error).message).not.toContain('secret-looking')
  })

  it('turns a state store failure into a retryable unreachable error', async () => {
    const failing: ConnectorStateStore = {
      get: () => Promise.reject(new Error('db down')),
      put: () => Promise.reject(new Error('db down')),
      putIfAbsent: () => Promise.reject(new Error('db down')),
    }
    const error = (await chain(failing)
      .update(() => [1])
      .catch((e: unknown) => e)) as ConnectorError
    expect(error).toBeInstanceOf(ConnectorError)
    expect([error.reason, error.retryable]).toEqual(['unreachable', true])
  })
})
