import { useState } from 'react'
import type { ReviewResult } from '../api/types'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { InboxItem } from '../components/inbox-item'
import { Page } from '../components/page'
import { ReviewOutcome } from '../components/review-outcome'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'

const POLL_MS = 3000

export function ReviewInboxPage() {
  const { client } = useSession()
  const inbox = useResource('requests:review', client.reviewInbox, POLL_MS)
  const catalog = useResource('catalog', client.catalog)
  const [last, setLast] = useState<ReviewResult | null>(null)
  const entitlementOf = (id: string) => catalog.data?.items.find((e) => e.id === id) ?? null
  const items = inbox.data?.items ?? []

  return (
    <Page
      title="Review inbox"
      intro="Pending requests that name you as a reviewer. Your verdict is bound to exactly what you see here."
    >
      <div aria-live="polite">{last && <ReviewOutcome result={last} />}</div>
      {inbox.error && <ErrorNotice error={inbox.error} title="Could not load the inbox" />}
      {inbox.loading ? (
        <p role="status">Loading the inbox…</p>
      ) : items.length === 0 ? (
        <EmptyState title="Nothing to review">
          <p>Requests that name you as a reviewer appear here as soon as they are submitted.</p>
        </EmptyState>
      ) : (
        <div className="card-list">
          {items.map((r) => (
            <InboxItem
              key={r.id}
              request={r}
              entitlement={entitlementOf(r.entitlementId)}
              onReviewed={(result) => {
                setLast(result)
                inbox.reload()
              }}
            />
          ))}
        </div>
      )}
    </Page>
  )
}
