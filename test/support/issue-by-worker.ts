import type { ConnectorHost } from '../../src/app/deps.js'
import type { ConnectorInstance } from '../../src/connectors/connector.js'

/**
 * Makes every connector of this host look like one that calls a remote target (no
 * `issueInStore`), so a test of claim → issue → commit can use the sample jwt target: grants are
 * then issued by the worker, as a PostgreSQL or Redis target's are.
 */
export function issueByWorker(host: ConnectorHost): void {
  const instanceFor = host.instanceFor.bind(host)
  host.instanceFor = async (target) => withoutInStoreIssue(await instanceFor(target))
}

function withoutInStoreIssue(instance: ConnectorInstance): ConnectorInstance {
  return new Proxy(instance, {
    get(target, property, receiver) {
      if (property === 'issueInStore') return undefined
      return Reflect.get(target, property, receiver) as unknown
    },
  })
}
