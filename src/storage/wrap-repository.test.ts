import { describe, expect, it } from 'vitest'
import { wrapRepository, type Repositories } from './store.js'

/** A stand-in for a transaction's repositories: built on first use, reading their own fields. */
function fakeRepositories(): { tx: Repositories; built: string[] } {
  const built: string[] = []
  const tx = {
    secret: 'tx-field',
    get audit() {
      built.push('audit')
      return { name: 'audit' }
    },
    get grants() {
      built.push('grants')
      return { name: 'grants', owner: this }
    },
  }
  return { tx: tx as unknown as Repositories, built }
}

describe('wrapRepository', () => {
  it('wraps the named repository once, on first use, and passes the others through', () => {
    const { tx, built } = fakeRepositories()
    let wraps = 0
    const wrapped = wrapRepository(tx, 'audit', (inner) => {
      wraps++
      return { ...inner, wrapped: true } as unknown as Repositories['audit']
    })
    expect(built).toEqual([])
    expect(wrapped.audit).toMatchObject({ name: 'audit', wrapped: true })
    expect(wrapped.audit).toBe(wrapped.audit)
    expect(wraps).toBe(1)
    // A getter of the inner object sees the inner object, as it would unwrapped.
    expect((wrapped.grants as unknown as { owner: unknown }).owner).toBe(tx)
    expect((wrapped as unknown as { secret: string }).secret).toBe('tx-field')
    expect(built).toEqual(['audit', 'grants'])
  })

  it('does not make the transaction a prototype', () => {
    // V8 keeps an object used as a prototype alive through young-generation collections, and
    // with it the whole transaction: every request's objects reached the old generation.
    const { tx } = fakeRepositories()
    const wrapped = wrapRepository(tx, 'audit', (inner) => inner)
    expect(Object.getPrototypeOf(wrapped)).not.toBe(tx)
  })
})
