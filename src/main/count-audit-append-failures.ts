import { AppError } from '../domain/errors.js'
import { wrapRepository, type AuditRepository, type Repositories, type Store } from '../storage/store.js'

/**
 * The store, calling `onFailure` whenever an audit append throws. The append runs in the
 * transaction of the change it records, so the change rolls back with it: nothing is lost
 * silently, but a stream of refused changes needs an operator, hence the metric.
 */
export function countAuditAppendFailures(store: Store, onFailure: () => void): Store {
  // In a transaction the events are written just before commit (audit-repository.ts), so the
  // write can fail after every append returned: the transaction then fails with
  // audit.write_failed. Each failure counts once, whether an append or the commit reported it.
  const counted = new WeakSet<object>()
  const count = (error: unknown): void => {
    if (typeof error === 'object' && error !== null) {
      if (counted.has(error)) return
      counted.add(error)
    }
    onFailure()
  }
  const counting =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await write(...args)
      } catch (error) {
        count(error)
        throw error
      }
    }
  const countedAudit = (audit: AuditRepository): AuditRepository => ({
    ...audit,
    append: counting((input: Parameters<AuditRepository['append']>[0]) => audit.append(input)),
    appendMany: counting((inputs: Parameters<AuditRepository['appendMany']>[0]) =>
      audit.appendMany(inputs),
    ),
  })
  const transaction: Store['transaction'] = async (fn, options) => {
    try {
      return await store.transaction((tx: Repositories) => fn(wrapRepository(tx, 'audit', countedAudit)), options)
    } catch (error) {
      if (error instanceof AppError && error.code === 'audit.write_failed') count(error)
      throw error
    }
  }
  const audit = countedAudit(store.audit)
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
