import { IDENTITY_ID_PATTERN } from './identity.js'

/**
 * How a trusted issuer's token names a workload identity. Either a template that yields the id
 * itself (`gha-{repository_id}`), or a template that yields a key looked up in an explicit table
 * (`repo:{repository}:ref:{ref}` → `ci-deployer`). Templates read top-level claims only.
 */
export type ClaimMapping =
  | { workloadId: string }
  | { key: string; workloads: Readonly<Record<string, string>> }

export interface WorkloadIssuerRule {
  issuer: string
  /** Claims that must have exactly these values (Vault's bound_claims), e.g. the owning org. */
  requiredClaims: Readonly<Record<string, string>>
  claimMapping: ClaimMapping
}

export type ClaimMappingResult =
  | { ok: true; workloadId: string; key: string }
  | { ok: false; reason: 'required_claim_mismatch' | 'claim_missing' | 'no_mapping'; claim?: string }

const PLACEHOLDER = /\{([A-Za-z0-9_.:-]{1,64})\}/g

/** Claim values that may appear in a key: scalars only, never objects that stringify loosely. */
function claimText(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  if (typeof value === 'boolean') return String(value)
  return null
}

export function renderClaimTemplate(
  template: string,
  claims: Readonly<Record<string, unknown>>,
): { ok: true; value: string } | { ok: false; claim: string } {
  let value = ''
  let last = 0
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? ''
    const text = Object.hasOwn(claims, name) ? claimText(claims[name]) : null
    if (text === null || text === '') return { ok: false, claim: name }
    value += template.slice(last, match.index) + text
    last = match.index + match[0].length
  }
  return { ok: true, value: value + template.slice(last) }
}

/** Claim names a mapping reads, so the exchange can record exactly what bound the job. */
export function templateClaims(mapping: ClaimMapping): string[] {
  const template = 'workloadId' in mapping ? mapping.workloadId : mapping.key
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '')
}

/**
 * The workload identity a verified token maps to, or why none. Pure: the token's signature,
 * issuer, audience and lifetime were checked before this runs.
 */
export function mapWorkloadClaims(
  rule: Pick<WorkloadIssuerRule, 'requiredClaims' | 'claimMapping'>,
  claims: Readonly<Record<string, unknown>>,
): ClaimMappingResult {
  for (const [claim, expected] of Object.entries(rule.requiredClaims)) {
    const actual = Object.hasOwn(claims, claim) ? claimText(claims[claim]) : null
    if (actual !== expected) return { ok: false, reason: 'required_claim_mismatch', claim }
  }
  const mapping = rule.claimMapping
  if ('workloadId' in mapping) {
    const rendered = renderClaimTemplate(mapping.workloadId, claims)
    if (!rendered.ok) return { ok: false, reason: 'claim_missing', claim: rendered.claim }
    // Claim values are inserted verbatim and never normalised: two jobs must not fold into one id.
    if (!IDENTITY_ID_PATTERN.test(rendered.value)) return { ok: false, reason: 'no_mapping' }
    return { ok: true, workloadId: rendered.value, key: rendered.value }
  }
  const rendered = renderClaimTemplate(mapping.key, claims)
  if (!rendered.ok) return { ok: false, reason: 'claim_missing', claim: rendered.claim }
  const workloadId = Object.hasOwn(mapping.workloads, rendered.value)
    ? mapping.workloads[rendered.value]
    : undefined
  if (workloadId === undefined) return { ok: false, reason: 'no_mapping' }
  return { ok: true, workloadId, key: rendered.value }
}

/** What binds an exchanged grant to the job that asked for it. */
export interface WorkloadExchange {
  grantId: string
  requestId: string
  workloadId: string
  issuer: string
  subject: string
  /** The token's `jti`: each platform token is exchanged at most once. */
  tokenId: string
  /** A summary of the job's claims (repository, ref, run id…), for evidence. */
  claims: Record<string, string>
  /** sha256 of the completion token handed to the job; the token itself is never stored. */
  completionTokenHash: string
  createdAt: Date
}

/** Claims worth keeping as evidence of which job held access, when the token has them. */
export const JOB_CLAIMS = [
  'sub',
  'repository',
  'repository_owner',
  'ref',
  'sha',
  'workflow',
  'job_workflow_ref',
  'run_id',
  'run_attempt',
  'environment',
  'actor',
  'event_name',
  'project_path',
  'pipeline_id',
  'job_id',
  'namespace_path',
] as const

export function jobClaimsSummary(
  claims: Readonly<Record<string, unknown>>,
  extra: readonly string[] = [],
): Record<string, string> {
  const summary: Record<string, string> = {}
  for (const name of [...JOB_CLAIMS, ...extra]) {
    const text = Object.hasOwn(claims, name) ? claimText(claims[name]) : null
    if (text !== null) summary[name] = text.slice(0, 200)
  }
  return summary
}

/** A platform token whose signature, issuer, audience and lifetime were checked at the edge. */
export interface VerifiedWorkloadToken {
  issuer: string
  subject: string
  /** `jti`: the token is exchanged at most once. */
  tokenId: string
  expiresAt: Date
  /** Which workload identity its claims name, or why none; decided by mapWorkloadClaims. */
  mapping: ClaimMappingResult
  claims: Record<string, string>
}
