import type { Identity } from '../domain/identity.js'
import { effectiveApprovals, type Obligations } from '../domain/obligations.js'
import type { AppDeps } from './deps.js'
import { decideRequest, type RequestDecisionInput } from './request-decision.js'

export interface RequestPreview {
  allowed: boolean
  autoApproved: boolean
  reasons: string[]
  obligations: Obligations & { approvalsNeeded: number; dualApproval: boolean }
  eligibleReviewers: { id: string; displayName: string }[]
  duration: { requested: number | null; granted: number; clampedBecause: string | null }
  policyHash: string
  determiningPolicies: string[]
}

/**
 * What submitting would decide, without recording anything: no request, no audit event and no
 * exception use, so looking before submitting leaves no trace and cannot spend an exception.
 */
export async function previewRequest(
  deps: AppDeps,
  requester: Identity,
  input: RequestDecisionInput,
): Promise<RequestPreview> {
  const d = await decideRequest(deps, requester, input)
  const approvalsNeeded = d.decision.allowed ? effectiveApprovals(d.decision.obligations) : 0
  const reviewers = await Promise.all(
    d.eligibleReviewers.map(async (id) => ({
      id,
      displayName: (await deps.store.identities.get(id))?.displayName ?? id,
    })),
  )
  return {
    allowed: d.decision.allowed,
    autoApproved: d.autoApproved,
    reasons: d.decision.reasons,
    obligations: { ...d.decision.obligations, approvalsNeeded, dualApproval: approvalsNeeded >= 2 },
    eligibleReviewers: reviewers,
    duration: {
      requested: input.durationSeconds ?? null,
      granted: d.durationSeconds,
      // Submit refuses a duration over either maximum rather than shortening it, so the only
      // difference shown is the catalog default standing in for an unstated duration.
      clampedBecause:
        input.durationSeconds === undefined ? 'no duration given: the catalog default applies' : null,
    },
    policyHash: d.decision.policyHash,
    determiningPolicies: d.decision.determiningPolicies,
  }
}
