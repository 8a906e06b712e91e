import { useId, useState } from 'react'
import type { NhiJson } from '../api/types'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { Page } from '../components/page'
import { useAction } from '../hooks/use-action'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { formatDateTime, formatSeconds } from '../lib/format'

/** Non-human identities and the person accountable for each (admins: all; others: owned). */
export function NhisPage() {
  const { client } = useSession()
  const list = useResource('nhis', client.nhis, 10_000)
  const items = list.data?.items ?? []
  const orphaned = items.filter((n) => n.orphaned).length
  return (
    <Page
      title="Non-human identities"
      intro="Workloads and service accounts, each with an accountable owner. An orphaned one has no active owner: transfer it."
    >
      {list.data && (
        <p role="status" className={orphaned > 0 ? 'overdue-summary' : 'muted'}>
          {orphaned > 0 ? `${orphaned} orphaned: give each a new owner.` : 'Every one has an active owner.'}
        </p>
      )}
      {list.error && <ErrorNotice error={list.error} title="Could not load the inventory" />}
      {list.loading ? (
        <p role="status">Loading the inventory…</p>
      ) : items.length === 0 ? (
        <EmptyState title="No non-human identities you own or can see" />
      ) : (
        <div className="card-list">
          {items.map((n) => (
            <NhiCard key={n.id} nhi={n} onChanged={list.reload} />
          ))}
        </div>
      )}
    </Page>
  )
}

function NhiCard({ nhi: n, onChanged }: { nhi: NhiJson; onChanged: () => void }) {
  return (
    <article
      className={`card ${n.orphaned ? 'postuse-overdue' : ''}`}
      aria-labelledby={`nhi-${n.id}`}
      data-nhi-id={n.id}
    >
      <header className="card-head">
        <h3 id={`nhi-${n.id}`}>
          {n.displayName} <code className="small">{n.id}</code>
        </h3>
        <span className={`badge ${n.orphaned ? 'state-bad' : 'state-ok'}`}>
          {n.orphaned ? 'orphaned' : n.status}
        </span>
      </header>
      <dl className="facts">
        <div>
          <dt>Owner</dt>
          <dd data-testid="nhi-owner">
            {n.owner ? `${n.owner.id} (${n.owner.status})` : 'none'}
          </dd>
        </div>
        <div>
          <dt>Purpose</dt>
          <dd>{n.purpose ?? '—'}</dd>
        </div>
        <div>
          <dt>Last grant</dt>
          <dd>
            {n.lastGrant
              ? `${n.lastGrant.entitlementId}, ${n.lastGrant.state}, from ${formatDateTime(n.lastGrant.startsAt)}`
              : 'never'}
          </dd>
        </div>
        <div>
          <dt>Credential age</dt>
          <dd>{n.credentialAgeSeconds === null ? 'never issued' : formatSeconds(n.credentialAgeSeconds)}</dd>
        </div>
      </dl>
      <TransferForm id={n.id} onDone={onChanged} />
    </article>
  )
}

function TransferForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { client } = useSession()
  const fid = useId()
  const [owner, setOwner] = useState('')
  const transfer = useAction(client.transferNhi)
  return (
    <form
      className="review-form"
      aria-label={`Transfer ${id}`}
      onSubmit={(e) => {
        e.preventDefault()
        void transfer.run(id, owner.trim()).then((r) => {
          if (r) {
            setOwner('')
            onDone()
          }
        })
      }}
    >
      <div className="field">
        <label htmlFor={fid}>New owner (identity id)</label>
        <input
          id={fid}
          required
          spellCheck={false}
          value={owner}
          onChange={(e) => {
            setOwner(e.target.value)
          }}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={transfer.busy}>
          Transfer ownership
        </button>
      </div>
      {transfer.error && <ErrorNotice error={transfer.error} title="Not transferred" />}
    </form>
  )
}
