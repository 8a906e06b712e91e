import type { GrantJson } from '../api/types'
import { auditPath } from '../routes'
import { formatDateTime, humanize } from '../lib/format'
import { StateBadge } from './badges'
import { Countdown } from './countdown'
import { CredentialReveal } from './credential-reveal'
import { GrantActions } from './grant-actions'
import { Link } from './link'

const LIVE = new Set(['scheduled', 'issuing', 'issue_failed', 'active'])

export function GrantCard({
  grant,
  entitlementName,
  onChanged,
}: {
  grant: GrantJson
  entitlementName: string
  onChanged: () => void
}) {
  const g = grant
  return (
    <article
      className="card grant"
      aria-labelledby={`grant-${g.id}`}
      data-grant-id={g.id}
      data-state={g.state}
    >
      <header className="card-head">
        <h3 id={`grant-${g.id}`}>
          {entitlementName} <code className="small">{g.entitlementId}</code>
        </h3>
        <StateBadge state={g.state} />
      </header>
      <dl className="facts">
        <div>
          <dt>Grant</dt>
          <dd>
            <code>{g.id}</code>
          </dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>{g.subjectId}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>
            {g.targetId} ({g.connectorKind}) as <code>{g.targetName}</code>
          </dd>
        </div>
        <div>
          <dt>Window</dt>
          <dd>
            {formatDateTime(g.startsAt)} → {formatDateTime(g.expiresAt)}
          </dd>
        </div>
        {g.revokedAt !== null && (
          <div>
            <dt>Revoked</dt>
            <dd data-testid="revoked-summary">
              {formatDateTime(g.revokedAt)} · {humanize(g.revokeReason ?? 'unknown')} · verification{' '}
              <strong>{g.verification ? humanize(g.verification) : 'pending'}</strong>
            </dd>
          </div>
        )}
        {g.lastError !== null && (
          <div>
            <dt>Last error</dt>
            <dd>{g.lastError}</dd>
          </div>
        )}
      </dl>
      {g.state === 'active' && <Countdown until={g.expiresAt} />}
      {g.state === 'active' && <CredentialReveal grant={g} />}
      {LIVE.has(g.state) && <GrantActions grant={g} onChanged={onChanged} />}
      <p className="small">
        <Link href={auditPath({ grantId: g.id })}>Audit trail of this grant</Link>
      </p>
    </article>
  )
}
