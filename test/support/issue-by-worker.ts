import type { ConnectorHost } from '../../src/app/deps.js'
import type { ConnectorInstance } from '../../src/connectors/connector.js'

export interface IssueByWorkerOptions {
  /**
   * Run to completion at the first issue, after the issuance-time decision and before the target
   * is called: a change that lands while the target is being called.
   */
  whileIssuing?: () => Promise<unknown>
}

/**
 * Makes every connector of this host look like one that calls a remote target (no
 * `issueInStore`), so a test of claim → issue → commit can use the sample jwt target: grants are
 * then issued by the worker, as a PostgreSQL or Redis target's are.
 */
export function issueByWorker(host: ConnectorHost, options: IssueByWorkerOptions = {}): void {
  const instanceFor = host.instanceFor.bind(host)
  let pending = options.whileIssuing
  const takeOnce = () => {
    const run = pending
    pending = undefined
    return run
  }
  host.instanceFor = async (target) => withoutInStoreIssue(await instanceFor(target), takeOnce)
}

function withoutInStoreIssue(
  instance: ConnectorInstance,
  whileIssuing: () => (() => Promise<unknown>) | undefined,
): ConnectorInstance {
  return new Proxy(instance, {
    get(target, property, receiver) {
      if (property === 'issueInStore') return undefined
      if (property === 'issue') {
        return async (...args: Parameters<ConnectorInstance['issue']>) => {
          await whileIssuing()?.()
          return target.issue(...args)
        }
      }
      return Reflect.get(target, property, receiver) as unknown
    },
  })
}
