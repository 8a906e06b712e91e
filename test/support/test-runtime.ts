import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import type { Logger } from '../../src/app/deps.js'
import { createApiToken, createIdentity, type NewIdentity } from '../../src/app/manage-identities.js'
import { syncCatalog } from '../../src/app/sync-catalog.js'
import { ensureAuditSigningKey } from '../../src/audit/audit-keys.js'
import { loadConfig, PACKAGE_ROOT } from '../../src/config/load.js'
import type { ConfigInput } from '../../src/config/schema.js'
import { createRuntime, publicUrlOf, type Runtime } from '../../src/main/runtime.js'
import { generateDataKey } from '../../src/security/aes-sealer.js'
import { openStore } from '../../src/storage/kysely/open-store.js'
import { FakeClock } from './fake-clock.js'

export const silentLog: Logger = { info() {}, warn() {}, error() {}, debug() {} }

/** A logger that keeps every line, so tests can assert that no secret was ever logged. */
export function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = []
  const push = (obj: object, msg?: string) => {
    const err = (obj as { err?: unknown }).err
    lines.push(JSON.stringify({ ...obj, err: err instanceof Error ? err.message : '' }) + (msg ?? ''))
  }
  return { lines, info: push, warn: push, error: push, debug: push }
}

export interface TestWorld {
  runtime: Runtime
  clock: FakeClock
  tokens: Record<string, string>
  dataDir: string
  /** Calls the API in-process (no socket) as the given sample identity. */
  as(identityId: string | null): ApiCaller
  close(): Promise<void>
}

export interface ApiCaller {
  get(path: string): Promise<{ status: number; body: any }>  
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>  
}

/**
 * Builds the real runtime (Cedar, JWT connector, store, audit) over a temporary data directory
 * with a fake clock, seeded with the sample identities and catalog, one API token each.
 */
export async function startTestWorld(
  options: { databaseUrl?: string; config?: Partial<ConfigInput>; log?: Logger; clock?: FakeClock } = {},
): Promise<TestWorld> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hourglass-test-'))
  const clock = options.clock ?? new FakeClock()
  const auditKey = path.join(dataDir, 'keys', 'audit.pem')
  ensureAuditSigningKey(auditKey)
  const emptyCatalog = path.join(dataDir, 'empty-catalog.json')
  await writeFile(emptyCatalog, JSON.stringify({ targets: [], entitlements: [] }))
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      dataKey: generateDataKey(),
      auditSigningKeyFile: auditKey,
      catalogFile: emptyCatalog,
      publicUrl: 'http://127.0.0.1:7300',
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...options.config,
    },
  })
  const store = await openStore(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : { sqlitePath: path.join(dataDir, 'hourglass.db') },
  )
  const runtime = await createRuntime(config, options.log ?? silentLog, { clock, store, random: () => 0.5 })
  const { deps } = runtime
  const { identities } = JSON.parse(
    readFileSync(path.join(PACKAGE_ROOT, 'samples', 'identities.json'), 'utf8'),
  ) as { identities: NewIdentity[] }
  const tokens: Record<string, string> = {}
  for (const identity of [...identities].sort((a, b) => Number(a.kind !== 'human') - Number(b.kind !== 'human'))) {
    await createIdentity(deps, 'system:test', identity)
    const t = await createApiToken(deps, 'system:test', { identityId: identity.id, name: 'test' }, () => deps.newApiToken())
    tokens[identity.id] = t.token.reveal()
  }
  await syncCatalog(deps, JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'samples', 'catalog.json'), 'utf8')), {
    PUBLIC_URL: publicUrlOf(config),
  })
  const as = (identityId: string | null): ApiCaller => {
    const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
      ...(identityId ? { authorization: `Bearer ${tokens[identityId] ?? 'hgt_unknown'}` } : {}),
      ...extra,
    })
    const parse = async (res: Response) => {
      const text = await res.text()
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null }
    }
    return {
      get: async (p) => parse(await runtime.app.request(p, { headers: headers() })),
      post: async (p, body, extra) =>
        parse(
          await runtime.app.request(p, {
            method: 'POST',
            headers: headers({ 'content-type': 'application/json', ...extra }),
            body: typeof body === 'string' ? body : JSON.stringify(body ?? {}),
          }),
        ),
    }
  }
  return {
    runtime,
    clock,
    tokens,
    dataDir,
    as,
    async close() {
      await runtime.close()
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
