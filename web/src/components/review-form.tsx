import { useId, useState } from 'react'
import type { RequestJson, ReviewResult, Verdict } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { ErrorNotice } from './error-notice'

/**
 * Approve or deny with a comment. The request digest that was on screen goes with the verdict,
 * so the server refuses it if the request is not the one the reviewer read.
 */
export function ReviewForm({
  request,
  onReviewed,
}: {
  request: RequestJson
  onReviewed: (result: ReviewResult) => void
}) {
  const { client } = useSession()
  const [comment, setComment] = useState('')
  const review = useAction((verdict: Verdict) =>
    client.review(request.id, { verdict, comment, digest: request.digest }),
  )
  const id = useId()
  const submit = async (verdict: Verdict) => {
    const result = await review.run(verdict)
    if (result) onReviewed(result)
  }

  return (
    <form
      className="review-form"
      aria-label={`Review request ${request.id}`}
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
          disabled={review.busy}
          onClick={() => void submit('approve')}
        >
          Approve
        </button>
        <button
          type="button"
          className="danger"
          disabled={review.busy}
          onClick={() => void submit('deny')}
        >
          Deny
        </button>
      </div>
      {review.error && <ErrorNotice error={review.error} title="Review not recorded" />}
    </form>
  )
}
