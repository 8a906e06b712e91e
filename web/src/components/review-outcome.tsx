import type { ReviewResult } from '../api/types'

/** What the server made of a verdict: the tally outcome, and the grant if it was created. */
export function ReviewOutcome({ result }: { result: ReviewResult }) {
  const { review, request, outcome, grant } = result
  return (
    <p className="notice notice-success" role="status" data-testid="review-outcome">
      You {review.verdict === 'approve' ? 'approved' : 'denied'} request <code>{request.id}</code>.
      It is now <strong>{outcome}</strong>
      {grant ? (
        <>
          {' '}
          and grant <code>{grant.id}</code> is {grant.state}.
        </>
      ) : (
        '.'
      )}
    </p>
  )
}
