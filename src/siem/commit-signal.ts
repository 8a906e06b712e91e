import type { Store } from '../storage/store.js'

/**
 * The store, calling `onCommit` after every committed transaction: nearly every one appends
 * audit events, so the SIEM streamer hears of new events at once rather than at the next sweep.
 * Everything else passes straight through.
 */
export function withCommitSignal(store: Store, onCommit: () => void): Store {
  const transaction: Store['transaction'] = async (fn, options) => {
    const result = await store.transaction(fn, options)
    onCommit()
    return result
  }
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') return transaction
      const value: unknown = Reflect.get(target, property, target)
      // Bound to the real store: its methods read private fields.
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value
    },
  })
}
