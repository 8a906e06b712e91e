import type { ConnectorHost, Logger, Sealer } from '../app/deps.js'
import type { ConnectorDefinition, ConnectorInstance, ConnectorStateStore } from '../connectors/connector.js'
import { connectorDefinition, createConnector } from '../connectors/registry.js'
import { openTargetSecrets } from '../app/target-secrets.js'
import type { Target } from '../domain/catalog.js'
import type { Clock, IdSource } from '../domain/ports.js'
import type { ConnectorStateRepository, Repositories } from '../storage/store.js'
import { instrumentConnector, type ConnectorOperationObserver } from './instrument-connector.js'

export interface ConnectorHostDeps {
  state: ConnectorStateRepository
  sealer: Sealer
  clock: Clock
  ids: IdSource
  /** Told of every target call (metrics); the one place all use cases' calls pass through. */
  observe?: ConnectorOperationObserver
  /** Where a replaced instance's failure to close is reported (nobody awaits that close). */
  log?: Logger
}

/**
 * Connector instances per target, created on first use and replaced when the target's
 * configuration changes. Connector state (signing keys, revocation lists) is sealed at rest.
 */
export class CachingConnectorHost implements ConnectorHost {
  readonly #cache = new Map<string, { stamp: string; instance: ConnectorInstance }>()
  readonly #deps: ConnectorHostDeps

  constructor(deps: ConnectorHostDeps) {
    this.#deps = deps
  }

  definition(kind: string): ConnectorDefinition {
    return connectorDefinition(kind)
  }

  instanceFor(target: Target): Promise<ConnectorInstance> {
    const stamp = `${target.kind}:${JSON.stringify(target.config)}`
    const cached = this.#cache.get(target.id)
    if (cached?.stamp === stamp) return Promise.resolve(cached.instance)
    if (cached) {
      // The replaced instance's pools are not ours to wait for, but a close that fails must not
      // become an unhandled rejection (which ends the process).
      cached.instance.close().catch((error: unknown) => {
        this.#deps.log?.warn({ err: error, targetId: target.id }, 'closing a replaced connector instance failed')
      })
    }
    const { clock, ids } = this.#deps
    const created = createConnector(target.kind, openTargetSecrets(target.config, this.#deps.sealer), {
      now: () => clock.now(),
      newId: (prefix) => ids.newId(prefix),
      state: sealedState(this.#deps.state, this.#deps.sealer, target.id),
    })
    const { observe } = this.#deps
    const instance = observe ? instrumentConnector(created, target.kind, observe) : created
    this.#cache.set(target.id, { stamp, instance })
    return Promise.resolve(instance)
  }

  stateIn(tx: Repositories, target: Target): ConnectorStateStore {
    return sealedState(tx.connectorState, this.#deps.sealer, target.id)
  }

  async close(): Promise<void> {
    for (const { instance } of this.#cache.values()) await instance.close()
    this.#cache.clear()
  }
}

function sealedState(repo: ConnectorStateRepository, sealer: Sealer, targetId: string): ConnectorStateStore {
  return {
    async get(key) {
      const v = await repo.get(targetId, key)
      return v === null ? null : sealer.open(v).reveal()
    },
    // `exp` stays in clear, for the prune step to select by: an expiry time is no secret (a jwt
    // carries its own in clear), and the key beside it is in clear already.
    async put(key, value, exp) {
      await repo.put(targetId, key, sealer.seal(value), exp ?? null)
    },
    async putIfAbsent(key, value, exp) {
      const stored = await repo.putIfAbsent(targetId, key, sealer.seal(value), exp ?? null)
      return sealer.open(stored).reveal()
    },
    async putManyIfAbsent(entries) {
      await repo.putManyIfAbsent(
        targetId,
        entries.map(([key, value, exp]) => [key, sealer.seal(value), exp ?? null] as const),
      )
    },
    async getMany(keys) {
      const stored = await repo.getMany(targetId, keys)
      return new Map([...stored].map(([key, value]) => [key, sealer.open(value).reveal()]))
    },
    async hasMany(keys) {
      // A revocation batch only asks whether each record is there: unsealing 500 of them to
      // throw the text away cost as much as writing them.
      return new Set((await repo.getMany(targetId, keys)).keys())
    },
  }
}
