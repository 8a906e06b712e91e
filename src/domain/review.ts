import { AppError } from './errors.js'
import type { AccessRequest } from './access-request.js'
import type { Entitlement } from './catalog.js'
import type { Identity } from './identity.js'
import { effectiveApprovals } from './obligations.js'

export const VERDICTS = ['approve', 'deny'] as const
export type Verdict = (typeof VERDICTS)[number]

/** One reviewer's verdict on one request, bound to the request digest the reviewer saw. */
export interface Review {
  id: string
  requestId: string
  reviewerId: string
  verdict: Verdict
  comment: string
  requestDigest: string
  /** Whether the reviewer was an owner of the entitlement when reviewing. */
  reviewerIsOwner: boolean
  /** Groups the reviewer belonged to when reviewing (for group obligations and evidence). */
  reviewerGroups: string[]
  policyHash: string
  createdAt: Date
}

/**
 * Separation of duties, checked before policy: these hold whatever the policy says.
 * `requesterOwnedIds` are the NHIs owned by the requester.
 */
export function assertSeparationOfDuties(
  request: Pick<AccessRequest, 'requesterId' | 'subjectId'>,
  reviewer: Identity,
  subject: Pick<Identity, 'id' | 'ownerId'>,
): void {
  if (reviewer.kind !== 'human') {
    throw new AppError('review.reviewer_not_human', 'Only a person can review an access request')
  }
  if (reviewer.id === request.requesterId) {
    throw new AppError('review.self_review_forbidden', 'A requester cannot review their own request')
  }
  if (reviewer.id === request.subjectId) {
    throw new AppError('review.subject_review_forbidden', 'The subject of a request cannot review it')
  }
  // An NHI owned by the reviewer benefits the reviewer: owning the subject is self-interest.
  if (subject.ownerId !== null && subject.ownerId === reviewer.id) {
    throw new AppError(
      'review.owned_nhi_review_forbidden',
      'The owner of the subject identity cannot review a request for it',
    )
  }
  if (reviewer.status !== 'active') {
    throw new AppError('identity.inactive', 'The reviewer is not active')
  }
}

export type Tally =
  | { outcome: 'approved' }
  | { outcome: 'denied'; by: string }
  | { outcome: 'pending'; remaining: number; missing: string[] }

/**
 * Deny wins: one denial decides, whatever approvals exist. Approvals count distinct reviewers
 * (duplicates count once); owner and group requirements must each be met by some approver.
 */
export function tallyReviews(
  request: Pick<AccessRequest, 'obligations'>,
  reviews: readonly Review[],
): Tally {
  const denial = reviews.find((r) => r.verdict === 'deny')
  if (denial) return { outcome: 'denied', by: denial.reviewerId }
  const approvals = new Map<string, Review>()
  for (const r of reviews) if (r.verdict === 'approve') approvals.set(r.reviewerId, r)
  const distinct = [...approvals.values()]
  const o = request.obligations
  const missing: string[] = []
  if (o.ownerApproval && !distinct.some((r) => r.reviewerIsOwner)) missing.push('owner')
  for (const group of o.approverGroups) {
    if (!distinct.some((r) => r.reviewerGroups.includes(group))) missing.push(`group:${group}`)
  }
  const needed = effectiveApprovals(o)
  const remaining = Math.max(needed - distinct.length, missing.length)
  if (remaining <= 0 && missing.length === 0) return { outcome: 'approved' }
  return { outcome: 'pending', remaining: Math.max(remaining, 1), missing }
}

/** Who may be named in advance as a reviewer of a request for this entitlement. */
export function isOwnerOf(entitlement: Pick<Entitlement, 'owners'>, identityId: string): boolean {
  return entitlement.owners.includes(identityId)
}
