import { AuditFilters, type AuditFilter } from '../components/audit-filters'
import { AuditTable } from '../components/audit-table'
import { ChainStatus } from '../components/chain-status'
import { EmptyState } from '../components/empty-state'
import { EvidencePanel } from '../components/evidence-panel'
import { ErrorNotice } from '../components/error-notice'
import { Page } from '../components/page'
import { navigate } from '../hooks/use-location'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'

const PAGE_SIZE = 50

function readFilter(search: URLSearchParams): AuditFilter {
  const after = Number.parseInt(search.get('after') ?? '0', 10)
  return {
    requestId: search.get('requestId') ?? '',
    grantId: search.get('grantId') ?? '',
    after: Number.isSafeInteger(after) && after > 0 ? after : 0,
    actor: search.get('actor') ?? '',
    from: search.get('from') ?? '',
    to: search.get('to') ?? '',
  }
}

function toUrl(f: AuditFilter): string {
  const qs = new URLSearchParams()
  if (f.requestId) qs.set('requestId', f.requestId)
  if (f.grantId) qs.set('grantId', f.grantId)
  if (f.actor) qs.set('actor', f.actor)
  if (f.from) qs.set('from', f.from)
  if (f.to) qs.set('to', f.to)
  if (f.after > 0) qs.set('after', String(f.after))
  const s = qs.toString()
  return s ? `/audit?${s}` : '/audit'
}

export function AuditPage({ search }: { search: URLSearchParams }) {
  const { client } = useSession()
  const filter = readFilter(search)
  const key = toUrl(filter)
  const page = useResource(`audit:${key}`, () =>
    client.auditEvents({
      after: filter.after,
      limit: PAGE_SIZE,
      ...(filter.requestId ? { requestId: filter.requestId } : {}),
      ...(filter.grantId ? { grantId: filter.grantId } : {}),
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(filter.from ? { from: filter.from } : {}),
      ...(filter.to ? { to: filter.to } : {}),
    }),
  )
  const items = page.data?.items ?? []
  const lastSeq = items.at(-1)?.seq ?? null
  const apply = (f: AuditFilter) => {
    navigate(toUrl(f))
  }

  return (
    <Page
      title="Audit explorer"
      intro="The append-only, hash-chained record of every change. Admins only: the server refuses other identities."
    >
      <ChainStatus />
      {filter.requestId && <EvidencePanel key={filter.requestId} requestId={filter.requestId} />}
      <h2>Events</h2>
      <AuditFilters key={key} value={filter} onApply={apply} />
      {page.error && <ErrorNotice error={page.error} title="Could not load audit events" />}
      {page.loading ? (
        <p role="status">Loading events…</p>
      ) : items.length === 0 ? (
        !page.error && (
          <EmptyState title="No events match">
            <p>Clear the filters or start from sequence 0.</p>
          </EmptyState>
        )
      ) : (
        <>
          <p className="muted small" role="status">
            Showing {items.length} events, seq {items[0]?.seq} to {lastSeq}.
          </p>
          <AuditTable
            events={items}
            onFilter={(f) => {
              apply({
                ...filter,
                requestId: f.requestId ?? '',
                grantId: f.grantId ?? '',
                after: 0,
              })
            }}
          />
        </>
      )}
      <div className="actions">
        <button
          type="button"
          disabled={filter.after === 0}
          onClick={() => {
            apply({ ...filter, after: 0 })
          }}
        >
          First page
        </button>
        <button
          type="button"
          disabled={lastSeq === null || items.length < PAGE_SIZE}
          onClick={() => {
            if (lastSeq !== null) apply({ ...filter, after: lastSeq })
          }}
        >
          Next page
        </button>
        <button type="button" onClick={page.reload}>
          Refresh
        </button>
      </div>
    </Page>
  )
}
