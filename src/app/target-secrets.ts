import { readFileSync } from 'node:fs'
import type { Sealer } from './deps.js'

/**
 * Target credentials are data, not config: the catalog names where a secret comes from
 * (`{ "fromEnv": "NAME" }` or `{ "fromFile": "/path" }`), and the database only ever holds it
 * sealed (`{ "$sealed": "v1.…" }`). Connector hosts open sealed values just before use.
 */
export interface ResolvedTargetConfig {
  /** With secrets in clear, for validation and connector creation; never persisted. */
  plain: Record<string, unknown>
  /** With secrets sealed, for the database. */
  stored: Record<string, unknown>
  problems: string[]
}

type Env = Record<string, string | undefined>

export function resolveTargetSecrets(
  config: Record<string, unknown>,
  sealer: Pick<Sealer, 'seal'>,
  env: Env = process.env,
): ResolvedTargetConfig {
  const problems: string[] = []
  const walk = (value: unknown, path: string): { plain: unknown; stored: unknown } => {
    const ref = secretReference(value)
    if (ref) {
      const secret = readReference(ref, env)
      if (secret === null) {
        problems.push(`${path}: ${describe(ref)} is not set`)
        return { plain: '', stored: '' }
      }
      return { plain: secret, stored: { $sealed: sealer.seal(secret) } }
    }
    if (Array.isArray(value)) {
      const parts = value.map((v, i) => walk(v, `${path}[${i}]`))
      return { plain: parts.map((p) => p.plain), stored: parts.map((p) => p.stored) }
    }
    if (value !== null && typeof value === 'object') {
      const plain: Record<string, unknown> = {}
      const stored: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) {
        const part = walk(v, path ? `${path}.${k}` : k)
        plain[k] = part.plain
        stored[k] = part.stored
      }
      return { plain, stored }
    }
    return { plain: value, stored: value }
  }
  const { plain, stored } = walk(config, '')
  return { plain: plain as Record<string, unknown>, stored: stored as Record<string, unknown>, problems }
}

/** Opens every `$sealed` value of a stored target config. */
export function openTargetSecrets(config: unknown, sealer: Pick<Sealer, 'open'>): unknown {
  if (Array.isArray(config)) return config.map((v) => openTargetSecrets(v, sealer))
  if (config !== null && typeof config === 'object') {
    const sealed = (config as { $sealed?: unknown }).$sealed
    if (typeof sealed === 'string' && Object.keys(config).length === 1) return sealer.open(sealed).reveal()
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, openTargetSecrets(v, sealer)]))
  }
  return config
}

type Reference = { fromEnv: string } | { fromFile: string }

function secretReference(value: unknown): Reference | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
  const keys = Object.keys(value)
  if (keys.length !== 1) return null
  const v = value as Record<string, unknown>
  if (typeof v.fromEnv === 'string') return { fromEnv: v.fromEnv }
  if (typeof v.fromFile === 'string') return { fromFile: v.fromFile }
  return null
}

function readReference(ref: Reference, env: Env): string | null {
  if ('fromEnv' in ref) {
    const v = env[ref.fromEnv]
    return v === undefined || v === '' ? null : v
  }
  try {
    return readFileSync(ref.fromFile, 'utf8').trim() || null
  } catch {
    return null
  }
}

function describe(ref: Reference): string {
  return 'fromEnv' in ref ? `environment variable ${ref.fromEnv}` : `file ${ref.fromFile}`
}
