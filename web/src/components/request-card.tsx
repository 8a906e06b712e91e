import { useState } from 'react'
import type { RequestDetail, RequestJson } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { formatSeconds, humanize } from '../lib/format'
import { auditPath } from '../routes'
import { StateBadge } from './badges'
import { ErrorNotice } from './error-notice'
import { Link } from './link'
import { RequestTimeline } from './request-timeline'

const POLL_MS = 2500

/** Nothing more will happen to it: stop polling its detail. */
function isSettled(d: RequestDetail | null): boolean {
  if (d === null) return false
  if (d.state === 'pending') return false
  if (d.state !== 'approved') return true
  return d.grant !== null && d.grant.state === 'revoked' && d.grant.verification !== null
}

/** One of my requests with its timeline. Review buttons never appear here: it is mine. */
export function RequestCard({
  request,
  entitlementName,
  onChanged,
}: {
  request: RequestJson
  entitlementName: string
  onChanged: () => void
}) {
  const { client } = useSession()
  const [settled, setSettled] = useState(false)
  const detail = useResource(
    `request:${request.id}`,
    () => client.request(request.id),
    settled ? undefined : POLL_MS,
  )
  if (isSettled(detail.data) !== settled) setSettled(!settled)
  const cancel = useAction(client.cancelRequest)
  const r = detail.data ?? { ...request, reviews: [], grant: null }

  return (
    <article
      className="card request"
      aria-labelledby={`req-${r.id}`}
      data-request-id={r.id}
      data-state={r.state}
    >
      <header className="card-head">
        <h3 id={`req-${r.id}`}>
          {entitlementName} <code className="small">{r.entitlementId}</code>
        </h3>
        <StateBadge state={r.state} />
      </header>
      <dl className="facts">
        <div>
          <dt>Request</dt>
          <dd>
            <code>{r.id}</code>
          </dd>
        </div>
        <div>
          <dt>For</dt>
          <dd>{r.subjectId}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>
            {formatSeconds(r.durationSeconds)}, revoke at {humanize(r.revocationCondition)}
          </dd>
        </div>
        <div>
          <dt>Ticket</dt>
          <dd>{r.ticketRef ?? '—'}</dd>
        </div>
        <div className="span-all">
          <dt>Justification</dt>
          <dd>{r.justification}</dd>
        </div>
        {r.state === 'pending' && (
          <div className="span-all">
            <dt>Waiting for</dt>
            <dd data-testid="waiting-for">{r.eligibleReviewers.join(', ') || 'nobody is named'}</dd>
          </div>
        )}
      </dl>
      <RequestTimeline detail={r} />
      {detail.error && <ErrorNotice error={detail.error} title="Could not refresh this request" />}
      {r.state === 'pending' && (
        <div className="actions">
          <button
            type="button"
            disabled={cancel.busy}
            onClick={() =>
              void cancel.run(r.id).then((ok) => {
                if (!ok) return
                // The card's own detail polls slowly; refresh it now so the state matches the notice.
                detail.reload()
                onChanged()
              })
            }
          >
            Cancel request
          </button>
        </div>
      )}
      {cancel.result && (
        <p role="status" data-testid="cancel-outcome">
          Cancelled: the server now records this request as <code>{cancel.result.state}</code>.
        </p>
      )}
      {cancel.error && <ErrorNotice error={cancel.error} title="Could not cancel" />}
      <p className="small">
        <Link href={auditPath({ requestId: r.id })}>Audit trail of this request</Link>
      </p>
    </article>
  )
}
