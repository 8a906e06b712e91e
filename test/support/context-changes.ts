import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PACKAGE_ROOT } from '../../src/config/load.js'

/** A policy that forbids activating any low-risk entitlement (the sample orders-read): a reload's change. */
export const FREEZE_LOW_RISK =
  '@id("freeze-orders-read")\n@description("orders-read is frozen")\n' +
  'forbid (principal, action == Hourglass::Action::"activate", resource)\n' +
  'when { resource.entitlement.risk == "low" };\n'

/** A copy of the shipped policies a test may change and reload; `remove` deletes it. */
export async function policyDirCopy(): Promise<{ dir: string; freeze: () => Promise<void>; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hourglass-policies-'))
  await cp(path.join(PACKAGE_ROOT, 'policies'), dir, { recursive: true })
  return {
    dir,
    freeze: () => writeFile(path.join(dir, 'freeze.cedar'), FREEZE_LOW_RISK),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

/** The sample catalog with one entitlement's risk tier changed: a sync of it re-tiers. */
export function sampleCatalogWithTier(entitlementId: string, riskTier: string): Record<string, unknown> {
  const catalog = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'samples', 'catalog.json'), 'utf8')) as {
    entitlements: Array<{ id: string; riskTier: string }>
  }
  for (const e of catalog.entitlements) if (e.id === entitlementId) e.riskTier = riskTier
  return catalog
}
