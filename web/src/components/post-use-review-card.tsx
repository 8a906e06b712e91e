import { useId, useState } from 'react'
import type { PostUseReviewJson, PostUseVerdict } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { formatDateTime } from '../lib/format'
import { auditPath } from '../routes'
import { ErrorNotice } from './error-notice'
import { Link } from './link'

const STATE_TEXT: Record<PostUseReviewJson['state'], string> = {
  pending: 'Review pending',
  overdue: 'Review overdue',
  done: 'Reviewed',
}

/**
 * One break-glass use awaiting (or past) its post-use review. Overdue is said in words and with
 * an icon, not only in colour. The form appears for anyone: the server decides who may review.
 */
export function PostUseReviewCard({
  review,
  canReview,
  onReviewed,
}: {
  review: PostUseReviewJson
  canReview: boolean
  onReviewed: () => void
}) {
  const r = review
  const overdue = r.state === 'overdue'
  return (
    <article
      className={`card postuse ${overdue ? 'postuse-overdue' : ''}`}
      aria-labelledby={`pur-${r.requestId}`}
      data-request-id={r.requestId}
      data-state={r.state}
    >
      <header className="card-head">
        <h3 id={`pur-${r.requestId}`}>
          {r.entitlementId} for {r.userId} · incident <code>{r.incidentRef}</code>
        </h3>
        <span className={`badge ${overdue ? 'state-bad' : r.state === 'done' ? 'state-done' : 'state-wait'}`}>
          {overdue && <span aria-hidden="true">⚠ </span>}
          {STATE_TEXT[r.state]}
        </span>
      </header>
      <dl className="facts">
        <div>
          <dt>Used</dt>
          <dd>{formatDateTime(r.usedAt)}</dd>
        </div>
        <div>
          <dt>Review due</dt>
          <dd>
            {formatDateTime(r.dueAt)}
            {overdue && <strong> (overdue{r.escalatedAt ? ', escalated' : ''})</strong>}
          </dd>
        </div>
        {r.reviewedAt !== null && (
          <div>
            <dt>Verdict</dt>
            <dd>
              <strong>{r.verdict}</strong> by {r.reviewerId} on {formatDateTime(r.reviewedAt)}
              {r.comment && <> · “{r.comment}”</>}
            </dd>
          </div>
        )}
        <div>
          <dt>Request</dt>
          <dd>
            <code>{r.requestId}</code> ·{' '}
            <Link href={auditPath({ requestId: r.requestId })}>Audit trail</Link>
          </dd>
        </div>
      </dl>
      {r.state !== 'done' && canReview && <PostUseReviewForm review={r} onReviewed={onReviewed} />}
    </article>
  )
}

function PostUseReviewForm({
  review,
  onReviewed,
}: {
  review: PostUseReviewJson
  onReviewed: () => void
}) {
  const { client } = useSession()
  const id = useId()
  const [comment, setComment] = useState('')
  const act = useAction((verdict: PostUseVerdict) =>
    client.reviewBreakGlass(review.requestId, { verdict, comment }),
  )
  const submit = async (verdict: PostUseVerdict) => {
    if (await act.run(verdict)) onReviewed()
  }
  return (
    <form
      className="review-form"
      aria-label={`Post-use review of ${review.requestId}`}
      onSubmit={(e) => {
        e.preventDefault()
      }}
    >
      <div className="field">
        <label htmlFor={id}>Comment for the record</label>
        <textarea
          id={id}
          rows={2}
          value={comment}
          onChange={(e) => {
            setComment(e.target.value)
          }}
        />
      </div>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={act.busy}
          onClick={() => void submit('justified')}
        >
          Justified
        </button>
        <button
          type="button"
          className="danger"
          disabled={act.busy}
          onClick={() => void submit('unjustified')}
        >
          Unjustified (revoke now)
        </button>
      </div>
      {act.error && <ErrorNotice error={act.error} title="Review not recorded" />}
    </form>
  )
}
