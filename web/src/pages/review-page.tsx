import { useState } from 'react'
import type { ReviewResult } from '../api/types'
import { ErrorNotice } from '../components/error-notice'
import { Link } from '../components/link'
import { Page } from '../components/page'
import { ReviewCard } from '../components/review-card'
import { ReviewOutcome } from '../components/review-outcome'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'

/**
 * One request opened for review by URL. Whoever opens it gets the form: whether they may review
 * is the server's call, and its refusal (e.g. review.self_review_forbidden) is shown as is.
 */
export function ReviewPage({ requestId }: { requestId: string }) {
  const { client } = useSession()
  const detail = useResource(`request:${requestId}`, () => client.request(requestId), 3000)
  const catalog = useResource('catalog', client.catalog)
  const [last, setLast] = useState<ReviewResult | null>(null)
  const entitlement = catalog.data?.items.find((e) => e.id === detail.data?.entitlementId) ?? null

  return (
    <Page title={`Review request ${requestId}`}>
      <p>
        <Link href="/reviews">Back to the inbox</Link>
      </p>
      <div aria-live="polite">{last && <ReviewOutcome result={last} />}</div>
      {detail.error && <ErrorNotice error={detail.error} title="Could not load the request" />}
      {detail.loading && <p role="status">Loading the request…</p>}
      {detail.data && (
        <ReviewCard
          detail={detail.data}
          entitlement={entitlement}
          onReviewed={(result) => {
            setLast(result)
            detail.reload()
          }}
        />
      )}
    </Page>
  )
}
