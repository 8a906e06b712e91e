import { useId, useState, type SubmitEvent } from 'react'
import type { BreakGlassInput } from '../api/client'
import type { BreakGlassResult, EntitlementJson } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { formatSeconds } from '../lib/format'
import { ErrorNotice } from './error-notice'

/**
 * The emergency path. It states the consequences before anyone commits: the cap, who is alerted
 * and the post-use review. The server checks the incident, the reason and who may break glass.
 */
export function BreakGlassForm({
  catalog,
  onUsed,
}: {
  catalog: EntitlementJson[]
  onUsed: (result: BreakGlassResult) => void
}) {
  const { client } = useSession()
  const ids = useId()
  const [entitlementId, setEntitlementId] = useState('')
  const [incidentRef, setIncidentRef] = useState('')
  const [reason, setReason] = useState('')
  const [duration, setDuration] = useState('')
  const [understood, setUnderstood] = useState(false)
  const use = useAction(client.breakGlass)
  const selected = catalog.find((e) => e.id === entitlementId) ?? null

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const input: BreakGlassInput = {
      entitlementId,
      incidentRef: incidentRef.trim(),
      reason,
      ...(duration.trim() ? { duration: duration.trim() } : {}),
    }
    const result = await use.run(input)
    if (result) onUsed(result)
  }

  return (
    <form className="card form breakglass-form" aria-label="Break glass" onSubmit={(e) => void submit(e)}>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${ids}-ent`}>Entitlement</label>
          <select
            id={`${ids}-ent`}
            required
            value={entitlementId}
            onChange={(e) => {
              setEntitlementId(e.target.value)
            }}
          >
            <option value="">Choose…</option>
            {catalog.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} ({e.id}, {e.riskTier} risk)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-inc`}>Incident reference</label>
          <input
            id={`${ids}-inc`}
            required
            spellCheck={false}
            placeholder="INC-123"
            value={incidentRef}
            aria-describedby={`${ids}-inc-help`}
            onChange={(e) => {
              setIncidentRef(e.target.value)
            }}
          />
          <p id={`${ids}-inc-help`} className="help">
            The incident this emergency belongs to, like <code>INC-123</code>.
          </p>
        </div>
        <div className="field span-2">
          <label htmlFor={`${ids}-reason`}>Reason</label>
          <textarea
            id={`${ids}-reason`}
            required
            rows={3}
            value={reason}
            aria-describedby={`${ids}-reason-help`}
            onChange={(e) => {
              setReason(e.target.value)
            }}
          />
          <p id={`${ids}-reason-help`} className="help">
            What is broken and what you will do. Reviewers read this after the fact; the server asks
            for at least 20 characters.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-dur`}>Duration (optional)</label>
          <input
            id={`${ids}-dur`}
            spellCheck={false}
            placeholder="the cap"
            value={duration}
            aria-describedby={`${ids}-cap`}
            onChange={(e) => {
              setDuration(e.target.value)
            }}
          />
        </div>
      </div>
      <div className="notice notice-breakglass" id={`${ids}-cap`}>
        <p className="notice-title">What happens when you break glass</p>
        <ul>
          <li>
            Access is granted <strong>at once, without review</strong>, for at most{' '}
            {selected
              ? `${formatSeconds(selected.maxDurationSeconds)} (this entitlement's maximum) or the break-glass policy's cap, whichever is lower`
              : "the entitlement's maximum or the break-glass policy's cap, whichever is lower"}
            . A longer duration is shortened to the cap, not refused.
          </li>
          <li>
            {selected && selected.owners.length > 0
              ? `Its owners (${selected.owners.join(', ')}) and the security team are alerted now.`
              : 'The entitlement’s owners and the security team are alerted now.'}
          </li>
          <li>
            An owner or a security member must review this use afterwards. The deadline is shown as
            soon as you break glass; an overdue review escalates and blocks further break-glass.
          </li>
          <li>A use judged unjustified is revoked immediately.</li>
        </ul>
      </div>
      <div className="radio">
        <input
          id={`${ids}-ack`}
          type="checkbox"
          required
          checked={understood}
          onChange={(e) => {
            setUnderstood(e.target.checked)
          }}
        />{' '}
        <label htmlFor={`${ids}-ack`}>
          I understand this use is alerted now and reviewed afterwards
        </label>
      </div>
      {use.error && <ErrorNotice error={use.error} title="Break-glass refused" />}
      <div className="actions">
        <button type="submit" className="breakglass-button" disabled={use.busy}>
          {use.busy ? 'Breaking glass…' : 'Break glass now'}
        </button>
      </div>
    </form>
  )
}
