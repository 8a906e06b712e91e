import type { SubmitResult } from '../api/types'
import { formatSeconds } from '../lib/format'
import { StateBadge } from './badges'
import { Link } from './link'
import { ObligationsList } from './obligations-list'

/** The server's answer to a submission: granted by policy, or waiting for named reviewers. */
export function SubmitResultPanel({ result }: { result: SubmitResult }) {
  const { request, grant } = result
  return (
    <div
      className="notice notice-success"
      role="status"
      data-testid="submit-result"
      data-request-id={request.id}
    >
      {grant ? (
        <p className="notice-title">
          Auto-approved by policy: grant <code>{grant.id}</code> is {grant.state} for{' '}
          {formatSeconds(request.durationSeconds)}.
        </p>
      ) : (
        <p className="notice-title">
          Submitted: <StateBadge state={request.state} /> waiting for review.
        </p>
      )}
      <p>
        Request <code>{request.id}</code>
        {request.decisionReason ? ` — ${request.decisionReason}` : ''}
      </p>
      {!grant && request.state === 'pending' && (
        <>
          <p>
            Who can review:{' '}
            <strong data-testid="eligible-reviewers">
              {request.eligibleReviewers.join(', ') || 'nobody is named'}
            </strong>
          </p>
          <ObligationsList obligations={request.obligations} />
        </>
      )}
      <p>
        <Link href="/mine">Follow it in My access</Link>
      </p>
    </div>
  )
}
