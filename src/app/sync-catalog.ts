import { createHash } from 'node:crypto'
import { z } from 'zod'
import { canonicalJson } from '../domain/canonical-json.js'
import { CATALOG_ID_PATTERN, RISK_TIERS, type Entitlement, type Target } from '../domain/catalog.js'
import { parseDuration } from '../domain/duration.js'
import { AppError } from '../domain/errors.js'
import { IDENTITY_KINDS } from '../domain/identity.js'
import type { AppDeps } from './deps.js'
import { recordAudit } from './load.js'
import { grantsInForce, recheckGrants } from './recheck-grants.js'
import { resolveTargetSecrets } from './target-secrets.js'

const catalogId = z.string().regex(CATALOG_ID_PATTERN, 'must be lower-case letters, digits, - or _')

/** The catalog file: targets and entitlements as code, reviewed and versioned like policies. */
export const catalogFileSchema = z
  .object({
    targets: z.array(
      z
        .object({
          id: catalogId,
          kind: z.string().min(1),
          name: z.string().min(1).max(200),
          config: z.record(z.string(), z.unknown()),
          reconcile: z.object({ authoritative: z.boolean().default(false) }).strict().default({ authoritative: false }),
        })
        .strict(),
    ),
    entitlements: z.array(
      z
        .object({
          id: catalogId,
          name: z.string().min(1).max(200),
          description: z.string().max(2000).default(''),
          targetId: catalogId,
          riskTier: z.enum(RISK_TIERS),
          owners: z.array(z.string().min(1)).min(1),
          defaultDuration: z.union([z.string(), z.number()]),
          maxDuration: z.union([z.string(), z.number()]),
          params: z.record(z.string(), z.unknown()).default({}),
          subjectKinds: z.array(z.enum(IDENTITY_KINDS)).min(1).default(['human']),
        })
        .strict(),
    ),
  })
  .strict()

export type CatalogFile = z.input<typeof catalogFileSchema>

/**
 * Applies the catalog file: every target config and entitlement parameter set is validated by its
 * connector, owners must be active people, and everything is upserted in one transaction.
 */
export async function syncCatalog(
  deps: AppDeps,
  raw: unknown,
  substitutions: Record<string, string> = {},
): Promise<{ targets: number; entitlements: number; hash: string }> {
  const parsed = catalogFileSchema.safeParse(substitute(raw, substitutions))
  if (!parsed.success) {
    throw new AppError('catalog.invalid', `Invalid catalog: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  }
  const file = parsed.data
  const now = deps.clock.now()
  const problems: string[] = []
  const targets: Target[] = file.targets.map((t) => {
    const resolved = resolveTargetSecrets(t.config, deps.sealer)
    for (const p of resolved.problems) problems.push(`target ${t.id}: ${p}`)
    try {
      deps.connectors.definition(t.kind).configSchema.parse(resolved.plain)
    } catch (error) {
      problems.push(`target ${t.id}: ${describe(error)}`)
    }
    return { ...t, config: resolved.stored, createdAt: now, updatedAt: now }
  })
  const kinds = new Map(targets.map((t) => [t.id, t.kind]))
  const entitlements: Entitlement[] = []
  for (const e of file.entitlements) {
    const kind = kinds.get(e.targetId)
    if (kind === undefined) problems.push(`entitlement ${e.id}: unknown target ${e.targetId}`)
    else {
      try {
        deps.connectors.definition(kind).paramsSchema.parse(e.params)
      } catch (error) {
        problems.push(`entitlement ${e.id}: params ${describe(error)}`)
      }
    }
    let defaultDurationSeconds = 0
    let maxDurationSeconds = 0
    try {
      defaultDurationSeconds = parseDuration(e.defaultDuration)
      maxDurationSeconds = parseDuration(e.maxDuration)
      if (defaultDurationSeconds > maxDurationSeconds) problems.push(`entitlement ${e.id}: default duration exceeds max`)
    } catch (error) {
      problems.push(`entitlement ${e.id}: ${describe(error)}`)
    }
    for (const owner of e.owners) {
      const identity = await deps.store.identities.get(owner)
      if (!identity || identity.kind !== 'human' || identity.status !== 'active') {
        problems.push(`entitlement ${e.id}: owner ${owner} is not an active person`)
      }
    }
    entitlements.push({
      id: e.id,
      name: e.name,
      description: e.description,
      targetId: e.targetId,
      riskTier: e.riskTier,
      owners: [...e.owners].sort(),
      defaultDurationSeconds,
      maxDurationSeconds,
      params: e.params,
      subjectKinds: e.subjectKinds,
      createdAt: now,
      updatedAt: now,
    })
  }
  if (problems.length > 0) throw new AppError('catalog.invalid', `Invalid catalog: ${problems.join('; ')}`, { details: { problems } })
  const hash = createHash('sha256').update(canonicalJson(file)).digest('hex')
  const before = await deps.store.catalog.listEntitlements()
  const tiersBefore = new Map(before.map((e) => [e.id, e.riskTier]))
  await deps.store.transaction(async (tx) => {
    // Submissions deciding on the catalog as it was commit first; later ones read this change.
    await tx.catalog.lockForChange()
    for (const t of targets) await tx.catalog.upsertTarget(t)
    for (const e of entitlements) await tx.catalog.upsertEntitlement(e)
    await recordAudit(tx, deps, {
      type: 'catalog.synced',
      actor: 'system:catalog',
      data: { hash, targets: targets.map((t) => t.id), entitlements: entitlements.map((e) => e.id) },
    })
  })
  // A re-tiered entitlement is a context change: its active grants are checked again (I7).
  for (const e of entitlements) {
    const from = tiersBefore.get(e.id)
    if (from === undefined || from === e.riskTier) continue
    const grants = (await grantsInForce(deps)).filter((g) => g.entitlementId === e.id)
    const change = { change: 'entitlement_retiered', entitlementId: e.id, from, to: e.riskTier }
    await recheckGrants(deps, grants, change, 'system:catalog')
  }
  return { targets: targets.length, entitlements: entitlements.length, hash }
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(', ')
  return error instanceof Error ? error.message : 'invalid'
}

/** Replaces `${NAME}` placeholders in strings (e.g. the server's public URL in a token issuer). */
function substitute(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\$\{(\w+)\}/g, (m, name: string) => vars[name] ?? m)
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]))
  }
  return value
}
