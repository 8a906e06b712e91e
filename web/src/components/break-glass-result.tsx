import type { BreakGlassResult } from '../api/types'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { formatDateTime, formatSeconds } from '../lib/format'
import { ErrorNotice } from './error-notice'
import { GrantCard } from './grant-card'

const POLL_MS = 2000

/** After the glass is broken: the grant (polled until it is issued), who knows, and the deadline. */
export function BreakGlassResultPanel({
  result,
  entitlementName,
}: {
  result: BreakGlassResult
  entitlementName: string
}) {
  const { client } = useSession()
  const grant = useResource(
    `grant:${result.grant.id}`,
    () => client.grant(result.grant.id),
    POLL_MS,
  )
  const { request, review, notified } = result
  return (
    <section className="breakglass-result" aria-labelledby="bg-result-title">
      <div className="notice notice-breakglass" role="status">
        <p className="notice-title" id="bg-result-title">
          Glass broken for incident <code>{request.incidentRef}</code>
        </p>
        <ul>
          <li>
            Granted for {formatSeconds(request.durationSeconds)} (the cap applied by the server).
          </li>
          <li>
            Alerted now:{' '}
            <strong data-testid="bg-notified">
              {notified.length > 0 ? notified.join(', ') : 'nobody (no owners or security members)'}
            </strong>
          </li>
          <li>
            Post-use review due by{' '}
            <strong data-testid="bg-review-due">{formatDateTime(review.dueAt)}</strong>, by an owner
            or a security member.
          </li>
        </ul>
        <p className="small">
          Request <code>{request.id}</code>
        </p>
      </div>
      {grant.error && <ErrorNotice error={grant.error} title="Could not load the grant" />}
      <GrantCard
        grant={grant.data ?? result.grant}
        entitlementName={entitlementName}
        onChanged={grant.reload}
      />
    </section>
  )
}
