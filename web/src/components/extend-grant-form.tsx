import { useId, useState, type SubmitEvent } from 'react'
import type { GrantJson } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { StateBadge } from './badges'
import { DurationField } from './duration-field'
import { ErrorNotice } from './error-notice'

/**
 * Asking for more time files a new request linked to the grant: it is reviewed like any other,
 * so the outcome shown is that request's state, not a longer grant.
 */
export function ExtendGrantForm({ grant, onChanged }: { grant: GrantJson; onChanged: () => void }) {
  const { client } = useSession()
  const id = useId()
  const [open, setOpen] = useState(false)
  const [duration, setDuration] = useState('1h')
  const [justification, setJustification] = useState('')
  const extend = useAction(client.extendGrant)
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    void extend.run(grant.id, { duration: duration.trim(), justification }).then((ok) => {
      if (ok) {
        setOpen(false)
        onChanged()
      }
    })
  }
  const created = extend.result?.request

  return (
    <div className="extend">
      {created && (
        <p role="status" data-testid="extend-outcome">
          Extension requested: <code>{created.id}</code> <StateBadge state={created.state} />
          {created.state === 'pending' && ' — it needs review before the time is added.'}
        </p>
      )}
      {open ? (
        <form onSubmit={submit} aria-label={`Extend grant ${grant.id}`}>
          <DurationField
            value={duration}
            onChange={setDuration}
            defaultSeconds={null}
            maxSeconds={null}
          />
          <div className="field">
            <label htmlFor={`${id}-why`}>Why do you need more time?</label>
            <textarea
              id={`${id}-why`}
              value={justification}
              minLength={10}
              maxLength={2000}
              required
              onChange={(e) => {
                setJustification(e.target.value)
              }}
            />
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={extend.busy}>
              Request extension
            </button>
            <button
              type="button"
              onClick={() => {
                setOpen(false)
                extend.reset()
              }}
            >
              Never mind
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button
            type="button"
            onClick={() => {
              setOpen(true)
            }}
          >
            Extend…
          </button>
        </div>
      )}
      {extend.error && <ErrorNotice error={extend.error} title="Could not extend" />}
    </div>
  )
}
