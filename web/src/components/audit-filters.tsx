import { useState, type SubmitEvent } from 'react'

export interface AuditFilter {
  requestId: string
  grantId: string
  after: number
}

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
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const n = Number.parseInt(after, 10)
    onApply({ requestId: requestId.trim(), grantId: grantId.trim(), after: n > 0 ? n : 0 })
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
            onApply({ requestId: '', grantId: '', after: 0 })
          }}
        >
          Clear
        </button>
      </div>
    </form>
  )
}
