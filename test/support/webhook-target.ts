import type { ConnectorInstance, GrantSpec } from '../../src/connectors/connector.js'
import { createConnector } from '../../src/connectors/registry.js'
import type { WebhookConnectorInstance } from '../../src/connectors/webhook/index.js'
import { ProvisioningEndpoint } from './provisioning-endpoint.js'

export interface WebhookTargetOptions {
  /** The connector's secret; the endpoint's own by default (a different one forges). */
  secret?: string
  timeoutMs?: number
  maxAttempts?: number
  /** The connector's clock; the endpoint checks signatures against real time. */
  now?: () => Date
}

export interface WebhookTarget {
  endpoint: ProvisioningEndpoint
  instance: WebhookConnectorInstance
  spec(overrides?: Partial<GrantSpec>): GrantSpec
  teardown(): Promise<void>
}

const MINUTE = 60_000

/** A provisioning endpoint on loopback and a webhook connector pointed at it. */
export async function startWebhookTarget(
  options: WebhookTargetOptions = {},
): Promise<WebhookTarget> {
  const endpoint = await ProvisioningEndpoint.start()
  const now = options.now ?? (() => new Date())
  let ids = 0
  const raw = {
    url: endpoint.url,
    secret: options.secret ?? endpoint.secret,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  }
  const deps = {
    now,
    newId: (prefix: string) => `${prefix}_${++ids}`,
    state: { get: unsupported, put: unsupported, putIfAbsent: unsupported },
  }
  const instance = create(raw, deps)
  return {
    endpoint,
    instance,
    spec: (overrides = {}) => {
      const grantId = `grt_${++ids}`
      const start = now()
      return {
        grantId,
        targetName: `hg_${grantId}`,
        subjectId: 'idn_alice',
        entitlementId: 'billing-admin',
        params: { entitlement: 'billing:admin', attributes: { region: 'eu', seats: 1 } },
        startsAt: start,
        expiresAt: new Date(start.getTime() + 30 * MINUTE),
        ...overrides,
      }
    },
    teardown: async () => {
      await instance.close()
      await endpoint.close()
    },
  }
}

/** Through the registry, so the tests see what the host sees. */
function create(
  raw: Record<string, unknown>,
  deps: Parameters<typeof createConnector>[2],
): WebhookConnectorInstance {
  const instance: ConnectorInstance = createConnector('webhook', raw, deps)
  if (!isWebhookInstance(instance))
    throw new Error('the webhook connector lacks inspect/list/removeAccess')
  return instance
}

function isWebhookInstance(instance: ConnectorInstance): instance is WebhookConnectorInstance {
  return (
    typeof instance.inspect === 'function' &&
    typeof instance.list === 'function' &&
    typeof instance.removeAccess === 'function'
  )
}

/** The webhook connector keeps no state of its own; a call here is a bug. */
function unsupported(): Promise<never> {
  return Promise.reject(new Error('the webhook connector must not use connector state'))
}
