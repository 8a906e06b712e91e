import type { AuditRepository, Repositories, Store } from '../storage/store.js'

/**
 * The store, calling `onFailure` whenever an audit append throws. The append runs in the
 * transaction of the change it records, so the change rolls back with it: nothing is lost
 * silently, but a stream of refused changes needs an operator, hence the metric.
 */
export function countAuditAppendFailures(store: Store, onFailure: () => void): Store {
  const counted = (audit: AuditRepository): AuditRepository => ({
    ...audit,
    async append(input) {
      try {
        return await audit.append(input)
      } catch (error) {
        onFailure()
        throw error
      }
    },
    async appendMany(inputs) {
      try {
        return await audit.appendMany(inputs)
      } catch (error) {
        onFailure()
        throw error
      }
    },
  })
  const transaction: Store['transaction'] = (fn) =>
    store.transaction((tx: Repositories) => fn({ ...tx, audit: counted(tx.audit) }))
  const audit = counted(store.audit)
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') return transaction
      if (property === 'audit') return audit
      const value: unknown = Reflect.get(target, property, target)
      // Bound to the real store: its methods read private fields.
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value
    },
  })
}
