import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError } from '../domain/errors.js'
import { configSchema, type Config } from './schema.js'

/** Where the package is installed: shipped policies and the sample catalog live there. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export const DATA_KEY_FILE = 'keys/data.key'
export const AUDIT_KEY_FILE = 'keys/audit-ed25519.pem'

type Env = Record<string, string | undefined>

/**
 * Merges defaults < file (`--config`) < environment (`HOURGLASS_*`) and parses once. On failure
 * every issue is listed with its path (exit 78 in main).
 */
export function loadConfig(options: { file?: string | undefined; env?: Env; overrides?: Record<string, unknown> } = {}): Config {
  const env = options.env ?? process.env
  const fromFile = options.file ? readJson(options.file) : {}
  const merged = deepMerge(deepMerge(fromFile, fromEnv(env)), options.overrides ?? {})
  const dataDir = path.resolve(stringAt(merged, 'dataDir') ?? '.hourglass')
  const withDefaults = deepMerge(
    {
      dataDir,
      policyDir: path.join(PACKAGE_ROOT, 'policies'),
      catalogFile: path.join(PACKAGE_ROOT, 'samples', 'catalog.json'),
      auditSigningKeyFile: path.join(dataDir, AUDIT_KEY_FILE),
      checkpoint: { file: path.join(dataDir, 'audit-checkpoints.jsonl') },
      ...(stringAt(merged, 'dataKey') === undefined ? dataKeyFromFile(dataDir) : {}),
    },
    merged,
  )
  const parsed = configSchema.safeParse(withDefaults)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new AppError('config.invalid', `Invalid configuration:\n  ${issues.join('\n  ')}`, {
      details: { issues },
    })
  }
  return Object.freeze(parsed.data)
}

function dataKeyFromFile(dataDir: string): Record<string, unknown> {
  const file = path.join(dataDir, DATA_KEY_FILE)
  return existsSync(file) ? { dataKey: readFileSync(file, 'utf8').trim() } : {}
}

function fromEnv(env: Env): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const set = (keyPath: string, value: unknown) => {
    if (value === undefined || value === '') return
    const keys = keyPath.split('.')
    let node = out
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
    node[keys[keys.length - 1] ?? keyPath] = value
  }
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v))
  // Anything but the four spellings is passed through, for the schema to refuse by name.
  const flag = (v: string | undefined): unknown => (v === undefined || v === '' ? undefined : (FLAGS.get(v) ?? v))
  set('dataDir', env.HOURGLASS_DATA_DIR)
  set('databaseUrl', env.HOURGLASS_DATABASE_URL)
  set('databasePreparedStatements', flag(env.HOURGLASS_DATABASE_PREPARED_STATEMENTS))
  set('databasePoolSize', num(env.HOURGLASS_DATABASE_POOL_SIZE))
  set('listen.host', env.HOURGLASS_HOST)
  set('listen.port', num(env.HOURGLASS_PORT))
  set('publicUrl', env.HOURGLASS_PUBLIC_URL)
  set('policyDir', env.HOURGLASS_POLICY_DIR)
  set('policyThread', flag(env.HOURGLASS_POLICY_THREAD))
  set('catalogFile', env.HOURGLASS_CATALOG_FILE)
  set('adminGroup', env.HOURGLASS_ADMIN_GROUP)
  set('oidc.issuer', env.HOURGLASS_OIDC_ISSUER)
  set('oidc.audience', env.HOURGLASS_OIDC_AUDIENCE)
  set('oidc.jwksUri', env.HOURGLASS_OIDC_JWKS_URI)
  set('oidc.webClientId', env.HOURGLASS_OIDC_WEB_CLIENT_ID)
  set('dataKey', env.HOURGLASS_DATA_KEY)
  set('auditSigningKeyFile', env.HOURGLASS_AUDIT_KEY_FILE)
  set('checkpoint.file', env.HOURGLASS_CHECKPOINT_FILE)
  set('log.level', env.HOURGLASS_LOG_LEVEL)
  set('server.workers', env.HOURGLASS_WORKERS === 'auto' ? 'auto' : num(env.HOURGLASS_WORKERS))
  // Webhook secrets belong in the environment (or a secrets manager), not in a config file.
  set('tickets.generic.secret', env.HOURGLASS_TICKETS_GENERIC_SECRET)
  set('tickets.jira.secret', env.HOURGLASS_TICKETS_JIRA_SECRET)
  set('tickets.servicenow.secret', env.HOURGLASS_TICKETS_SERVICENOW_SECRET)
  set('tickets.github.secret', env.HOURGLASS_TICKETS_GITHUB_SECRET)
  set('metrics.token', env.HOURGLASS_METRICS_TOKEN)
  set('lifecycle.sweepIntervalMs', num(env.HOURGLASS_SWEEP_INTERVAL_MS))
  return out
}

/** The spellings of a boolean environment variable (a Map: no prototype keys match). */
const FLAGS = new Map<string, boolean>([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
])

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch (error) {
    throw new AppError('config.invalid', `Cannot read config file ${file}`, { cause: error })
  }
}

function stringAt(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key]
  return typeof v === 'string' ? v : undefined
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a }
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k]
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v
  }
  return out
}
