import type { Repositories, TransactionOptions } from '../../src/storage/store.js'
import type { TestWorld } from './test-runtime.js'

/** Counts the store transactions the world's runtime opens from now on. */
export function countTransactions(world: TestWorld): () => number {
  const store = world.runtime.deps.store
  const original = store.transaction.bind(store)
  let n = 0
  world.runtime.deps.store = Object.assign(Object.create(store) as typeof store, {
    transaction: <T>(fn: (tx: Repositories) => Promise<T>, options?: TransactionOptions): Promise<T> => {
      n++
      return original(fn, options)
    },
  })
  return () => n
}
