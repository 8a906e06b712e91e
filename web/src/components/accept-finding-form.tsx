import { useId, useState } from 'react'
import type { FindingJson } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { ErrorNotice } from './error-notice'

/** Accepting a finding is a decision with a reason and an end date; the server bounds both. */
export function AcceptFindingForm({
  finding,
  onAccepted,
}: {
  finding: FindingJson
  onAccepted: () => void
}) {
  const { client } = useSession()
  const id = useId()
  const [reason, setReason] = useState('')
  const [forText, setForText] = useState('7d')
  const accept = useAction(client.acceptFinding)
  return (
    <form
      className="review-form"
      aria-label={`Accept finding ${finding.id}`}
      onSubmit={(e) => {
        e.preventDefault()
        void accept.run(finding.id, { reason, for: forText.trim() }).then((r) => {
          if (r) onAccepted()
        })
      }}
    >
      <div className="form-grid">
        <div className="field span-2">
          <label htmlFor={`${id}-reason`}>Reason for accepting</label>
          <textarea
            id={`${id}-reason`}
            rows={2}
            required
            value={reason}
            onChange={(e) => {
              setReason(e.target.value)
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-for`}>Accept for</label>
          <input
            id={`${id}-for`}
            required
            spellCheck={false}
            value={forText}
            aria-describedby={`${id}-for-help`}
            onChange={(e) => {
              setForText(e.target.value)
            }}
          />
          <p id={`${id}-for-help`} className="help">
            Like <code>7d</code> or <code>12h</code>; the server allows at most 90 days.
          </p>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={accept.busy}>
          Accept finding
        </button>
      </div>
      {accept.error && <ErrorNotice error={accept.error} title="Finding not accepted" />}
    </form>
  )
}
