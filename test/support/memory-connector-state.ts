import type { ConnectorStateStore, StateEntry } from '../../src/connectors/connector.js'

/**
 * An in-memory ConnectorStateStore for connector tests. Two connector instances given the same
 * store behave like two processes sharing one target's durable state.
 */
export class MemoryConnectorState implements ConnectorStateStore {
  readonly #values = new Map<string, string>()
  readonly #exps = new Map<string, number | null>()

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.#values.get(key) ?? null)
  }

  put(key: string, value: string, exp: number | null = null): Promise<void> {
    this.#values.set(key, value)
    this.#exps.set(key, exp)
    return Promise.resolve()
  }

  putIfAbsent(key: string, value: string, exp: number | null = null): Promise<string> {
    const stored = this.#values.get(key)
    if (stored !== undefined) return Promise.resolve(stored)
    this.#values.set(key, value)
    this.#exps.set(key, exp)
    return Promise.resolve(value)
  }

  putManyIfAbsent(entries: ReadonlyArray<StateEntry>): Promise<void> {
    for (const [key, value, exp] of entries) {
      if (this.#values.has(key)) continue
      this.#values.set(key, value)
      this.#exps.set(key, exp ?? null)
    }
    return Promise.resolve()
  }

  getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>()
    for (const key of keys) {
      const value = this.#values.get(key)
      if (value !== undefined) found.set(key, value)
    }
    return Promise.resolve(found)
  }

  hasMany(keys: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(keys.filter((key) => this.#values.has(key))))
  }

  /** Everything stored, so tests can assert what a connector keeps (and what it never keeps). */
  entries(): [string, string][] {
    return [...this.#values.entries()]
  }

  /** Each stored key's `exp` as written (null: kept for good). */
  exps(): Map<string, number | null> {
    return new Map(this.#exps)
  }
}
