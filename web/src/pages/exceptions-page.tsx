import { useId, useState } from 'react'
import type { ExceptionJson } from '../api/types'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { ExceptionForm } from '../components/exception-form'
import { Page } from '../components/page'
import { useAction } from '../hooks/use-action'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { formatDateTime } from '../lib/format'

export function ExceptionsPage() {
  const { client } = useSession()
  const [state, setState] = useState<'active' | 'all'>('active')
  const list = useResource(`exceptions:${state}`, () => client.exceptions(state), 10_000)
  const items = list.data?.items ?? []
  return (
    <Page
      title="Exceptions"
      intro="Time-bound exceptions to policy, each approved by someone who does not benefit from it."
    >
      <h2>New exception</h2>
      <ExceptionForm onCreated={list.reload} />
      <h2>Exceptions</h2>
      <div className="presets" role="group" aria-label="Which exceptions">
        {(['active', 'all'] as const).map((s) => (
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
      {list.error && <ErrorNotice error={list.error} title="Could not load exceptions" />}
      {list.loading ? (
        <p role="status">Loading exceptions…</p>
      ) : items.length === 0 ? (
        <EmptyState title={state === 'active' ? 'No active exceptions' : 'No exceptions yet'}>
          <p>Policy applies as written to everyone.</p>
        </EmptyState>
      ) : (
        <div className="card-list">
          {items.map((e) => (
            <ExceptionCard key={e.id} exception={e} onChanged={list.reload} />
          ))}
        </div>
      )}
    </Page>
  )
}

function ExceptionCard({ exception: e, onChanged }: { exception: ExceptionJson; onChanged: () => void }) {
  const scope = [
    e.scope.identityId && `identity ${e.scope.identityId}`,
    e.scope.entitlementId && `entitlement ${e.scope.entitlementId}`,
    e.scope.policyId && `policy ${e.scope.policyId}`,
  ].filter(Boolean)
  return (
    <article className="card" aria-labelledby={`x-${e.id}`} data-exception-id={e.id} data-state={e.state}>
      <header className="card-head">
        <h3 id={`x-${e.id}`}>{scope.join(' · ')}</h3>
        <span className={`badge ${e.state === 'active' ? 'state-ok' : 'state-done'}`}>{e.state}</span>
      </header>
      <p className="justification">{e.reason}</p>
      <dl className="facts">
        <div>
          <dt>Approved by</dt>
          <dd>
            {e.approverId} on {formatDateTime(e.createdAt)}
          </dd>
        </div>
        <div>
          <dt>Ends</dt>
          <dd>{formatDateTime(e.expiresAt)}</dd>
        </div>
        <div>
          <dt>Used</dt>
          <dd>
            {e.uses} {e.uses === 1 ? 'time' : 'times'} · renewals {e.renewals}
          </dd>
        </div>
        {e.revokedAt !== null && (
          <div>
            <dt>Revoked</dt>
            <dd>
              {formatDateTime(e.revokedAt)} by {e.revokedBy}
            </dd>
          </div>
        )}
      </dl>
      {e.state === 'active' && <RevokeException id={e.id} onRevoked={onChanged} />}
    </article>
  )
}

function RevokeException({ id, onRevoked }: { id: string; onRevoked: () => void }) {
  const { client } = useSession()
  const fid = useId()
  const [reason, setReason] = useState('')
  const revoke = useAction(client.revokeException)
  return (
    <form
      className="review-form"
      aria-label={`Revoke exception ${id}`}
      onSubmit={(ev) => {
        ev.preventDefault()
        void revoke.run(id, reason).then((r) => {
          if (r) onRevoked()
        })
      }}
    >
      <div className="field">
        <label htmlFor={fid}>Reason for revoking</label>
        <input
          id={fid}
          required
          value={reason}
          onChange={(ev) => {
            setReason(ev.target.value)
          }}
        />
      </div>
      <div className="actions">
        <button type="submit" className="danger" disabled={revoke.busy}>
          Revoke exception
        </button>
      </div>
      {revoke.error && <ErrorNotice error={revoke.error} title="Exception not revoked" />}
    </form>
  )
}
