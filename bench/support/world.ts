import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import type { Logger, WorkSignals } from '../../src/app/deps.js'
import {
  createApiToken,
  createIdentity,
  type NewIdentity,
} from '../../src/app/manage-identities.js'
import { syncCatalog } from '../../src/app/sync-catalog.js'
import { ensureAuditSigningKey } from '../../src/audit/audit-keys.js'
import { loadConfig } from '../../src/config/load.js'
import type { ConfigInput } from '../../src/config/schema.js'
import { createRuntime, publicUrlOf, type Runtime } from '../../src/main/runtime.js'
import { createRootLogger } from '../../src/observability/logger.js'
import { generateDataKey } from '../../src/security/aes-sealer.js'
import { openStore } from '../../src/storage/kysely/open-store.js'
import type { Store } from '../../src/storage/store.js'
import { POLICY_DIR, SAMPLES_DIR } from './paths.js'

/**
 * Production logs every request and grant at info; the benchmark pays for formatting them too,
 * but not for a terminal to scroll them.
 */
export function discardingLog(): Logger {
  return createRootLogger({
    level: 'info',
    destination: new Writable({
      write(_chunk, _encoding, done) {
        done()
      },
    }),
  })
}

export interface BenchWorld {
  runtime: Runtime
  store: Store
  /** One API token per sample identity. */
  tokens: Record<string, string>
  dataDir: string
  /** Store transactions committed or attempted since the world was built. */
  transactions(): number
  close(): Promise<void>
}

export interface BenchWorldOptions {
  databaseUrl?: string | undefined
  lifecycle?: ConfigInput['lifecycle']
  /** Skip the sample identities and catalog (the caller seeds its own data). */
  empty?: boolean
  /** Another world's keys, for nodes of one deployment (as `serve` processes share theirs). */
  keys?: { dataKey: string; auditSigningKeyFile: string }
}

/**
 * The real runtime (Cedar, jwt connector, store, audit, engine) on the system clock over a
 * temporary data directory, seeded with the sample identities and catalog, as `serve` builds it.
 */
export async function startBenchWorld(options: BenchWorldOptions = {}): Promise<BenchWorld> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hourglass-bench-'))
  const auditKey = options.keys?.auditSigningKeyFile ?? path.join(dataDir, 'keys', 'audit.pem')
  if (options.keys === undefined) ensureAuditSigningKey(auditKey)
  const emptyCatalog = path.join(dataDir, 'empty-catalog.json')
  await writeFile(emptyCatalog, JSON.stringify({ targets: [], entitlements: [] }))
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      dataKey: options.keys?.dataKey ?? generateDataKey(),
      auditSigningKeyFile: auditKey,
      policyDir: POLICY_DIR,
      catalogFile: emptyCatalog,
      publicUrl: 'http://127.0.0.1:7300',
      ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
      ...(options.lifecycle === undefined ? {} : { lifecycle: options.lifecycle }),
    },
  })
  const inner = await openStore(
    config.databaseUrl !== undefined
      ? { databaseUrl: config.databaseUrl }
      : { sqlitePath: path.join(dataDir, 'hourglass.db') },
  )
  let transactions = 0
  const store = countingStore(inner, () => {
    transactions++
  })
  const runtime = await createRuntime(config, discardingLog(), { store })
  const tokens: Record<string, string> = {}
  if (options.empty !== true) {
    const { deps } = runtime
    const file = path.join(SAMPLES_DIR, 'identities.json')
    const { identities } = JSON.parse(readFileSync(file, 'utf8')) as { identities: NewIdentity[] }
    // Owners first: an NHI's owner must exist when the NHI is created.
    const ordered = [...identities].sort(
      (a, b) => Number(a.kind !== 'human') - Number(b.kind !== 'human'),
    )
    for (const identity of ordered) {
      await createIdentity(deps, 'system:bench', identity)
      const issued = await createApiToken(
        deps,
        'system:bench',
        { identityId: identity.id, name: 'bench' },
        () => deps.newApiToken(),
      )
      tokens[identity.id] = issued.token.reveal()
    }
    const catalog: unknown = JSON.parse(
      readFileSync(path.join(SAMPLES_DIR, 'catalog.json'), 'utf8'),
    )
    await syncCatalog(deps, catalog, { PUBLIC_URL: publicUrlOf(config) })
  }
  return {
    runtime,
    store,
    tokens,
    dataDir,
    transactions: () => transactions,
    async close() {
      await runtime.close()
      await inner.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * The same store, counting transactions: the benchmark's floor is that many bare commits. A proxy
 * rather than a copy, so repositories added to the Store later need no change here.
 */
function countingStore(store: Store, count: () => void): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') {
        return (fn: Parameters<Store['transaction']>[0], options: Parameters<Store['transaction']>[1]) => {
          count()
          return target.transaction(fn, options)
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      // Methods use private fields, so they must run on the store itself, not on the proxy.
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value
    },
  })
}

/**
 * Observes committed work without changing it: use cases signal after commit, and each tap runs
 * after the runtime's own handler (which feeds the engine).
 */
export function tapSignals(
  runtime: Runtime,
  taps: Pick<Partial<WorkSignals>, 'grantActivated' | 'grantRevoked'>,
): void {
  const original = runtime.deps.signals
  runtime.deps.signals = {
    ...original,
    grantActivated(grant) {
      original.grantActivated(grant)
      taps.grantActivated?.(grant)
    },
    grantRevoked(grant) {
      original.grantRevoked(grant)
      taps.grantRevoked?.(grant)
    },
  }
}
