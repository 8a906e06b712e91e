import { describe, expect, it } from 'vitest'
import { RowCache } from './row-cache.js'

describe('RowCache', () => {
  it('serves a row it read, and reads again after a write or another connection’s commit', async () => {
    let version = 1
    let loads = 0
    const cache = new RowCache(() => version)
    const load = () => {
      loads++
      return Promise.resolve({ n: loads })
    }
    expect(await cache.read('identities', 'a', load)).toEqual({ n: 1 })
    expect(await cache.read('identities', 'a', load)).toEqual({ n: 1 })
    cache.forget()
    expect(await cache.read('identities', 'a', load)).toEqual({ n: 2 })
    version = 2
    expect(await cache.read('identities', 'a', load)).toEqual({ n: 3 })
    expect(await cache.read('identities', 'a', load)).toEqual({ n: 3 })
  })

  it('does not keep what a read got while a write happened, nor rows that do not exist', async () => {
    const cache = new RowCache(() => 0)
    let release: (row: { n: number }) => void = () => undefined
    const slow = cache.read('api_tokens', 'h', () => new Promise<{ n: number }>((r) => (release = r)))
    cache.forget()
    release({ n: 1 })
    expect(await slow).toEqual({ n: 1 })
    expect(await cache.read('api_tokens', 'h', () => Promise.resolve({ n: 2 }))).toEqual({ n: 2 })
    expect(await cache.read('api_tokens', 'x', () => Promise.resolve<{ n: number } | undefined>(undefined))).toBeUndefined()
    expect(await cache.read('api_tokens', 'x', () => Promise.resolve({ n: 3 }))).toEqual({ n: 3 })
  })

  it('starts a table over when it is full', async () => {
    const cache = new RowCache(() => 0, 2)
    let loads = 0
    const load = () => Promise.resolve({ n: ++loads })
    await cache.read('targets', 'a', load)
    await cache.read('targets', 'b', load)
    await cache.read('targets', 'c', load)
    expect(await cache.read('targets', 'a', load)).toEqual({ n: 4 })
    expect(await cache.read('targets', 'c', load)).toEqual({ n: 3 })
  })
})
