import { useState, type SubmitEvent } from 'react'
import { isoToLocalInput, localInputToIso } from './local-time'

export interface AuditFilter {
  requestId: string
  grantId: string
  after: number
  actor: string
  /** ISO instants; empty when unbounded. */
  from: string
  to: string
}

const EMPTY: AuditFilter = { requestId: '', grantId: '', after: 0, actor: '', from: '', to: '' }

/** Filters live in the URL so a filtered view can be linked from a request or a grant. */
export function AuditFilters({
  value,
  onApply,
}: {
  value: AuditFilter
  onApply: (filter: AuditFilter) => void
}) {
  const [requestId, setRequestId] = useState(value.requestId)
  const [grantId, setGrantId] = useState(value.grantId)
  const [after, setAfter] = useState(String(value.after))
  const [actor, setActor] = useState(value.actor)
  const [from, setFrom] = useState(isoToLocalInput(value.from))
  const [to, setTo] = useState(isoToLocalInput(value.to))
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const n = Number.parseInt(after, 10)
    onApply({
      requestId: requestId.trim(),
      grantId: grantId.trim(),
      after: n > 0 ? n : 0,
      actor: actor.trim(),
      from: localInputToIso(from),
      to: localInputToIso(to),
    })
  }
  return (
    <form className="card filters" onSubmit={submit} aria-label="Audit filters">
      <div className="field">
        <label htmlFor="audit-request">Request id</label>
        <input
          id="audit-request"
          value={requestId}
          spellCheck={false}
          onChange={(e) => {
            setRequestId(e.target.value)
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="audit-grant">Grant id</label>
        <input
          id="audit-grant"
          value={grantId}
          spellCheck={false}
          onChange={(e) => {
            setGrantId(e.target.value)
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="audit-actor">Actor</label>
        <input
          id="audit-actor"
          value={actor}
          spellCheck={false}
          placeholder="e.g. alice or system:expiry"
          onChange={(e) => {
            setActor(e.target.value)
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="audit-from">From (local time, inclusive)</label>
        <input
          id="audit-from"
          type="datetime-local"
          step={1}
          value={from}
          onChange={(e) => {
            setFrom(e.target.value)
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="audit-to">To (local time, exclusive)</label>
        <input
          id="audit-to"
          type="datetime-local"
          step={1}
          value={to}
          onChange={(e) => {
            setTo(e.target.value)
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="audit-after">After seq</label>
        <input
          id="audit-after"
          inputMode="numeric"
          value={after}
          onChange={(e) => {
            setAfter(e.target.value)
          }}
        />
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Apply
        </button>
        <button
          type="button"
          onClick={() => {
            setRequestId('')
            setGrantId('')
            setAfter('0')
            setActor('')
            setFrom('')
            setTo('')
            onApply(EMPTY)
          }}
        >
          Clear
        </button>
      </div>
    </form>
  )
}
