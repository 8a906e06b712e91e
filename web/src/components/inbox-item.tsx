import type { EntitlementJson, RequestJson, ReviewResult } from '../api/types'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { reviewPath } from '../routes'
import { ErrorNotice } from './error-notice'
import { Link } from './link'
import { ReviewCard } from './review-card'

const POLL_MS = 3000

/** An inbox row: loads the request's reviews so far, refreshing while others review it too. */
export function InboxItem({
  request,
  entitlement,
  onReviewed,
}: {
  request: RequestJson
  entitlement: EntitlementJson | null
  onReviewed: (result: ReviewResult) => void
}) {
  const { client } = useSession()
  const detail = useResource(`request:${request.id}`, () => client.request(request.id), POLL_MS)
  return (
    <div className="inbox-item">
      {detail.error && <ErrorNotice error={detail.error} title="Could not load this request" />}
      <ReviewCard
        detail={detail.data ?? { ...request, reviews: [], grant: null }}
        entitlement={entitlement}
        onReviewed={onReviewed}
      />
      <p className="small">
        <Link href={reviewPath(request.id)}>Open on its own page</Link>
      </p>
    </div>
  )
}
