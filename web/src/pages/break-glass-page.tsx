import { useState } from 'react'
import type { BreakGlassResult, PostUseReviewJson } from '../api/types'
import { BreakGlassForm } from '../components/break-glass-form'
import { BreakGlassResultPanel } from '../components/break-glass-result'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { Page } from '../components/page'
import { PostUseReviewCard } from '../components/post-use-review-card'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'

const POLL_MS = 5000
const ORDER: Record<PostUseReviewJson['state'], number> = { overdue: 0, pending: 1, done: 2 }

export function BreakGlassPage() {
  const { client, me } = useSession()
  const catalog = useResource('catalog', client.catalog)
  const queue = useResource('breakglass:reviews', () => client.breakGlassReviews(), POLL_MS)
  const [used, setUsed] = useState<BreakGlassResult | null>(null)
  const items = [...(queue.data?.items ?? [])].sort(
    (a, b) => ORDER[a.state] - ORDER[b.state] || a.dueAt.localeCompare(b.dueAt),
  )
  const overdue = items.filter((r) => r.state === 'overdue').length
  const open = items.filter((r) => r.state !== 'done')
  const done = items.filter((r) => r.state === 'done')
  const nameOf = (id: string) => catalog.data?.items.find((e) => e.id === id)?.name ?? id

  return (
    <Page
      title="Break-glass"
      intro="Emergency access for an incident: granted at once, alerted at once, reviewed after the fact."
    >
      <div className="breakglass-banner" role="note">
        <strong>Emergency path.</strong> Use this only for a live incident. Every use is alerted to
        the entitlement&apos;s owners and the security team and must be reviewed afterwards.
      </div>
      <section aria-labelledby="bg-use-title">
        <h2 id="bg-use-title">Break glass</h2>
        {catalog.error && <ErrorNotice error={catalog.error} title="Could not load the catalog" />}
        {used ? (
          <>
            <BreakGlassResultPanel
              result={used}
              entitlementName={nameOf(used.request.entitlementId)}
            />
            <button
              type="button"
              onClick={() => {
                setUsed(null)
              }}
            >
              Break glass again
            </button>
          </>
        ) : (
          catalog.data && (
            <BreakGlassForm
              catalog={catalog.data.items}
              onUsed={(r) => {
                setUsed(r)
                queue.reload()
              }}
            />
          )
        )}
      </section>
      <section aria-labelledby="bg-queue-title">
        <h2 id="bg-queue-title">Post-use review queue</h2>
        <p className="muted">
          Owners and security see every use they are accountable for; everyone else sees their own.
        </p>
        <p role="status" className={overdue > 0 ? 'overdue-summary' : 'muted'} data-testid="overdue-summary">
          {queue.data
            ? overdue > 0
              ? `${overdue} overdue ${overdue === 1 ? 'review' : 'reviews'}: review now.`
              : 'No overdue reviews.'
            : ''}
        </p>
        {queue.error && <ErrorNotice error={queue.error} title="Could not load the queue" />}
        {queue.loading ? (
          <p role="status">Loading the queue…</p>
        ) : open.length === 0 ? (
          <EmptyState title="Nothing waits for a post-use review">
            <p>Break-glass uses appear here until someone accountable has reviewed them.</p>
          </EmptyState>
        ) : (
          <div className="card-list">
            {open.map((r) => (
              <PostUseReviewCard
                key={r.requestId}
                review={r}
                canReview={r.userId !== me.id}
                onReviewed={queue.reload}
              />
            ))}
          </div>
        )}
        {done.length > 0 && (
          <>
            <h3 className="subhead">Reviewed</h3>
            <div className="card-list">
              {done.map((r) => (
                <PostUseReviewCard key={r.requestId} review={r} canReview={false} onReviewed={queue.reload} />
              ))}
            </div>
          </>
        )}
      </section>
    </Page>
  )
}
