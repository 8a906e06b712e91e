import type { EntitlementJson, RequestDetail, ReviewResult } from '../api/types'
import { formatDateTime, formatSeconds, humanize } from '../lib/format'
import { RiskBadge, StateBadge } from './badges'
import { ObligationsList } from './obligations-list'
import { ReviewForm } from './review-form'

/**
 * Everything a reviewer needs to decide, as the server has it. The approval count is a reading
 * aid; the server tallies (deny wins, duplicates count once) when the verdict arrives.
 */
export function ReviewCard({
  detail,
  entitlement,
  onReviewed,
}: {
  detail: RequestDetail
  entitlement: EntitlementJson | null
  onReviewed: (result: ReviewResult) => void
}) {
  const r = detail
  const approvers = new Set(
    r.reviews.filter((v) => v.verdict === 'approve').map((v) => v.reviewerId),
  )
  const remaining = Math.max(0, r.obligations.approvals - approvers.size)
  const ownerApproved = r.reviews.some((v) => v.verdict === 'approve' && v.reviewerIsOwner)
  return (
    <article
      className="card review"
      aria-labelledby={`review-${r.id}`}
      data-request-id={r.id}
      data-state={r.state}
    >
      <header className="card-head">
        <h3 id={`review-${r.id}`}>
          {r.requesterId} asks for {entitlement?.name ?? r.entitlementId}
        </h3>
        {entitlement && <RiskBadge tier={entitlement.riskTier} />}
        <StateBadge state={r.state} />
      </header>
      <dl className="facts">
        <div>
          <dt>Requester</dt>
          <dd>{r.requesterId}</dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>{r.subjectId}</dd>
        </div>
        <div>
          <dt>Entitlement</dt>
          <dd>
            <code>{r.entitlementId}</code>
            {entitlement && ` on ${entitlement.targetId}`}
          </dd>
        </div>
        <div>
          <dt>Owners</dt>
          <dd>{entitlement ? entitlement.owners.join(', ') : '—'}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>
            {formatSeconds(r.durationSeconds)}, revoke at {humanize(r.revocationCondition)}
          </dd>
        </div>
        <div>
          <dt>Ticket</dt>
          <dd>{r.ticketRef ?? '—'}</dd>
        </div>
        <div className="span-all">
          <dt>Justification</dt>
          <dd className="justification">{r.justification}</dd>
        </div>
        <div className="span-all">
          <dt>Policy requires</dt>
          <dd>
            <ObligationsList obligations={r.obligations} />
          </dd>
        </div>
        <div>
          <dt>Approvals still needed</dt>
          <dd data-testid="approvals-remaining">
            {remaining} of {r.obligations.approvals}
            {r.obligations.ownerApproval &&
              (ownerApproved ? ' · owner approved' : ' · owner not yet')}
          </dd>
        </div>
        <div>
          <dt>Named reviewers</dt>
          <dd>{r.eligibleReviewers.join(', ') || '—'}</dd>
        </div>
        <div className="span-all">
          <dt>Reviews so far</dt>
          <dd>
            {r.reviews.length === 0 ? (
              'none yet'
            ) : (
              <ul>
                {r.reviews.map((v) => (
                  <li key={v.id}>
                    {v.reviewerId} {v.verdict === 'approve' ? 'approved' : 'denied'}{' '}
                    {formatDateTime(v.createdAt)}
                    {v.comment && ` — “${v.comment}”`}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div className="span-all">
          <dt>Submitted</dt>
          <dd>
            {formatDateTime(r.submittedAt)} · review closes {formatDateTime(r.reviewDeadline)} ·
            digest <code title={r.digest}>{r.digest.slice(0, 12)}…</code>
          </dd>
        </div>
      </dl>
      {r.state === 'pending' ? (
        <ReviewForm request={r} onReviewed={onReviewed} />
      ) : (
        <p className="muted">This request is {r.state}; reviews are closed.</p>
      )}
    </article>
  )
}
