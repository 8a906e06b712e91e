import { useState } from 'react'
import type { FindingJson } from '../api/types'
import { AcceptFindingForm } from '../components/accept-finding-form'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { Page } from '../components/page'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { formatDateTime, humanize } from '../lib/format'

const STATES = ['open', 'accepted', 'resolved'] as const
const TONE: Record<string, string> = { open: 'state-bad', accepted: 'state-wait', resolved: 'state-done' }

/** Reconciliation findings: access on a target that no grant explains (admins). */
export function FindingsPage() {
  const { client } = useSession()
  const [state, setState] = useState<(typeof STATES)[number]>('open')
  const findings = useResource(`findings:${state}`, () => client.findings(state), 10_000)
  const items = findings.data?.items ?? []
  return (
    <Page
      title="Findings"
      intro="What reconciliation found on targets that the grants do not explain: shadow access, lingering access after revocation, drift. Accept one only with a reason and an end date."
    >
      <div className="presets" role="group" aria-label="Finding state">
        {STATES.map((s) => (
          <button
            key={s}
            type="button"
            className="chip"
            aria-pressed={state === s}
            onClick={() => {
              setState(s)
            }}
          >
            {s}
          </button>
        ))}
      </div>
      {findings.error && <ErrorNotice error={findings.error} title="Could not load findings" />}
      {findings.loading ? (
        <p role="status">Loading findings…</p>
      ) : items.length === 0 ? (
        <EmptyState title={`No ${state} findings`}>
          <p>Reconciliation compares each target with the grants every few minutes.</p>
        </EmptyState>
      ) : (
        <div className="card-list">
          {items.map((f) => (
            <FindingCard key={f.id} finding={f} onChanged={findings.reload} />
          ))}
        </div>
      )}
    </Page>
  )
}

function FindingCard({ finding: f, onChanged }: { finding: FindingJson; onChanged: () => void }) {
  return (
    <article className="card" aria-labelledby={`f-${f.id}`} data-finding-id={f.id} data-state={f.state}>
      <header className="card-head">
        <h3 id={`f-${f.id}`}>
          {humanize(f.kind)} on {f.targetId}: <code>{f.principal}</code>
        </h3>
        <span className={`badge ${TONE[f.state] ?? ''}`}>{f.state}</span>
      </header>
      <dl className="facts">
        <div>
          <dt>Access entry</dt>
          <dd>
            <code>{f.key}</code>
          </dd>
        </div>
        <div>
          <dt>Seen</dt>
          <dd>
            {formatDateTime(f.firstSeenAt)} → {formatDateTime(f.lastSeenAt)}
          </dd>
        </div>
        {f.grantId && (
          <div>
            <dt>Grant</dt>
            <dd>
              <code>{f.grantId}</code>
            </dd>
          </div>
        )}
        {f.state === 'accepted' && (
          <div>
            <dt>Accepted</dt>
            <dd>
              by {f.acceptedBy} until {formatDateTime(f.acceptedUntil)}: “{f.acceptReason}”
            </dd>
          </div>
        )}
        {f.resolution && (
          <div>
            <dt>Resolution</dt>
            <dd>{humanize(f.resolution)}</dd>
          </div>
        )}
        {Object.keys(f.details).length > 0 && (
          <div className="span-all">
            <dt>Details</dt>
            <dd>
              <pre className="event-data">{JSON.stringify(f.details, null, 2)}</pre>
            </dd>
          </div>
        )}
      </dl>
      {f.state === 'open' && <AcceptFindingForm finding={f} onAccepted={onChanged} />}
    </article>
  )
}
