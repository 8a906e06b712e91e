import type { EntitlementJson, GrantJson, RequestJson } from '../api/types'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { GrantCard } from '../components/grant-card'
import { Link } from '../components/link'
import { Page } from '../components/page'
import { RequestCard } from '../components/request-card'
import { ShowMore } from '../components/show-more'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'

const POLL_MS = 2500
function byNewest<T>(at: (t: T) => string) {
  return (a: T, b: T) => at(b).localeCompare(at(a))
}

export function MyAccessPage() {
  const { client } = useSession()
  const grants = useResource('grants:mine', client.myGrants, POLL_MS)
  const requests = useResource('requests:mine', client.myRequests, POLL_MS)
  const catalog = useResource('catalog', client.catalog)
  const names = new Map((catalog.data?.items ?? []).map((e: EntitlementJson) => [e.id, e.name]))
  const nameOf = (id: string) => names.get(id) ?? id
  const reload = () => {
    grants.reload()
    requests.reload()
  }

  const all = [...(grants.data?.items ?? [])].sort(byNewest((g: GrantJson) => g.startsAt))
  const live = all.filter((g) => g.state !== 'revoked')
  const ended = all.filter((g) => g.state === 'revoked')
  const mine = [...(requests.data?.items ?? [])].sort(byNewest((r: RequestJson) => r.submittedAt))

  return (
    <Page
      title="My access"
      intro="Your grants and requests. This page refreshes by itself every few seconds."
    >
      <section aria-labelledby="grants-title">
        <h2 id="grants-title">Grants</h2>
        {grants.error && <ErrorNotice error={grants.error} title="Could not load grants" />}
        {grants.loading ? (
          <p role="status">Loading grants…</p>
        ) : live.length === 0 ? (
          <EmptyState title="You hold no access right now">
            <p>
              <Link href="/request">Request access</Link> when you need it; it ends by itself.
            </p>
          </EmptyState>
        ) : (
          <div className="card-list">
            {live.map((g) => (
              <GrantCard
                key={g.id}
                grant={g}
                entitlementName={nameOf(g.entitlementId)}
                onChanged={reload}
              />
            ))}
          </div>
        )}
        {ended.length > 0 && (
          <>
            <h3 className="subhead">Ended</h3>
            <ShowMore items={ended} page={5}>
              {(g) => (
                <GrantCard
                  key={g.id}
                  grant={g}
                  entitlementName={nameOf(g.entitlementId)}
                  onChanged={reload}
                />
              )}
            </ShowMore>
          </>
        )}
      </section>
      <section aria-labelledby="requests-title">
        <h2 id="requests-title">Requests</h2>
        {requests.error && <ErrorNotice error={requests.error} title="Could not load requests" />}
        {requests.loading ? (
          <p role="status">Loading requests…</p>
        ) : mine.length === 0 ? (
          <EmptyState title="No requests yet">
            <p>
              <Link href="/request">Request access</Link> to a catalog entitlement.
            </p>
          </EmptyState>
        ) : (
          <ShowMore items={mine}>
            {(r) => (
              <RequestCard
                key={r.id}
                request={r}
                entitlementName={nameOf(r.entitlementId)}
                onChanged={reload}
              />
            )}
          </ShowMore>
        )}
      </section>
    </Page>
  )
}
