import { useId } from 'react'
import { formatSeconds } from '../lib/format'

const PRESETS = ['15m', '30m', '1h', '2h', '4h', '8h']

interface DurationFieldProps {
  value: string
  onChange: (value: string) => void
  defaultSeconds: number | null
  maxSeconds: number | null
}

/** Free text (`30m`, `2h`, `PT1H`) or a preset; the server parses it and enforces the maximum. */
export function DurationField({ value, onChange, defaultSeconds, maxSeconds }: DurationFieldProps) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>Duration</label>
      <input
        id={id}
        name="duration"
        value={value}
        spellCheck={false}
        placeholder={
          defaultSeconds === null ? 'e.g. 30m' : `default ${formatSeconds(defaultSeconds)}`
        }
        aria-describedby={`${id}-help`}
        onChange={(e) => {
          onChange(e.target.value)
        }}
      />
      <div className="presets" role="group" aria-label="Duration presets">
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            className="chip"
            aria-pressed={value === p}
            onClick={() => {
              onChange(p)
            }}
          >
            {p}
          </button>
        ))}
      </div>
      <p id={`${id}-help`} className="help">
        Like <code>90s</code>, <code>30m</code>, <code>2h</code> or <code>PT1H30M</code>. Empty
        means the entitlement&apos;s default.
        {maxSeconds !== null && (
          <>
            {' '}
            <strong>Maximum for this entitlement: {formatSeconds(maxSeconds)}</strong> (policy may
            cap it lower).
          </>
        )}
      </p>
    </div>
  )
}
