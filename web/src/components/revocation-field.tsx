import type { RevocationCondition } from '../api/types'

const OPTIONS: { value: RevocationCondition; label: string; help: string }[] = [
  { value: 'expiry', label: 'At expiry', help: 'Access ends when the duration runs out.' },
  {
    value: 'task_completion',
    label: 'When the task is completed',
    help: 'You say you are done (or it expires, whichever comes first).',
  },
  {
    value: 'ticket_closed',
    label: 'When the ticket is closed',
    help: 'The ticket system reports the ticket closed (or it expires first).',
  },
]

export function RevocationField({
  value,
  onChange,
}: {
  value: RevocationCondition
  onChange: (value: RevocationCondition) => void
}) {
  return (
    <fieldset className="radio-group">
      <legend>Revoke access</legend>
      {OPTIONS.map((o) => (
        <label key={o.value} className="radio">
          <input
            type="radio"
            name="revocationCondition"
            value={o.value}
            checked={value === o.value}
            onChange={() => {
              onChange(o.value)
            }}
          />
          <span>
            {o.label} <span className="muted small">— {o.help}</span>
          </span>
        </label>
      ))}
    </fieldset>
  )
}
