import { connectorDefinition, createConnector } from '../connectors/registry.js';
import { openTargetSecrets } from '../app/target-secrets.js';
import { instrumentConnector } from './instrument-connector.js';
/**
 * Connector instances per target, created on first use and replaced when the target's
 * configuration changes. Connector state (signing keys, revocation lists) is sealed at rest.
 */
export class CachingConnectorHost {
    #cache = new Map();
    #deps;
    constructor(deps) {
        this.#deps = deps;
    }
    definition(kind) {
        return connectorDefinition(kind);
    }
    instanceFor(target) {
        const stamp = `${target.kind}:${JSON.stringify(target.config)}`;
        const cached = this.#cache.get(target.id);
        if (cached?.stamp === stamp)
            return Promise.resolve(cached.instance);
        if (cached) {
            // The replaced instance's pools are not ours to wait for, but a close that fails must not
            // become an unhandled rejection (which ends the process).
            cached.instance.close().catch((error) => {
                this.#deps.log?.warn({ err: error, targetId: target.id }, 'closing a replaced connector instance failed');
            });
        }
        const { clock, ids } = this.#deps;
        const created = createConnector(target.kind, openTargetSecrets(target.config, this.#deps.sealer), {
            now: () => clock.now(),
            newId: (prefix) => ids.newId(prefix),
            state: sealedState(this.#deps.state, this.#deps.sealer, target.id),
        });
        const { observe } = this.#deps;
        const instance = observe ? instrumentConnector(created, target.kind, observe) : created;
        this.#cache.set(target.id, { stamp, instance });
        return Promise.resolve(instance);
    }
    stateIn(tx, target) {
        return sealedState(tx.connectorState, this.#deps.sealer, target.id);
    }
    async close() {
        for (const { instance } of this.#cache.values())
            await instance.close();
        this.#cache.clear();
    }
}
function sealedState(repo, sealer, targetId) {
    return {
        async get(key) {
            const v = await repo.get(targetId, key);
            return v === null ? null : sealer.open(v).reveal();
        },
        async put(key, value) {
            await repo.put(targetId, key, sealer.seal(value));
        },
        async putIfAbsent(key, value) {
            const stored = await repo.putIfAbsent(targetId, key, sealer.seal(value));
            return sealer.open(stored).reveal();
        },
        async putManyIfAbsent(entries) {
            await repo.putManyIfAbsent(targetId, entries.map(([key, value]) => [key, sealer.seal(value)]));
        },
        async getMany(keys) {
            const stored = await repo.getMany(targetId, keys);
            return new Map([...stored].map(([key, value]) => [key, sealer.open(value).reveal()]));
        },
        async hasMany(keys) {
            // A revocation batch only asks whether each record is there: unsealing 500 of them to
            // throw the text away cost as much as writing them.
            return new Set((await repo.getMany(targetId, keys)).keys());
        },
    };
}
