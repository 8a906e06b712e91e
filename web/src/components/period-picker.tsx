import { useId } from 'react'

export interface Period {
  from: string
  to: string
}

const PRESETS: [string, number][] = [
  ['Last 24 hours', 1],
  ['Last 7 days', 7],
  ['Last 30 days', 30],
  ['Last 90 days', 90],
]
const DAY_MS = 86_400_000

export function lastDays(days: number, now = Date.now()): Period {
  return { from: new Date(now - days * DAY_MS).toISOString(), to: new Date(now).toISOString() }
}

/** Presets, or two dates; the server validates the range (order, at most 366 days). */
export function PeriodPicker({
  value,
  onChange,
}: {
  value: Period
  onChange: (period: Period) => void
}) {
  const id = useId()
  const day = (iso: string) => iso.slice(0, 10)
  return (
    <fieldset className="period-picker">
      <legend>Period</legend>
      <div className="presets" role="group" aria-label="Period presets">
        {PRESETS.map(([label, days]) => (
          <button
            key={label}
            type="button"
            className="chip"
            onClick={() => {
              onChange(lastDays(days))
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="date"
            value={day(value.from)}
            onChange={(e) => {
              if (e.target.value) onChange({ ...value, from: `${e.target.value}T00:00:00.000Z` })
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="date"
            value={day(value.to)}
            onChange={(e) => {
              if (e.target.value) onChange({ ...value, to: `${e.target.value}T23:59:59.999Z` })
            }}
          />
        </div>
      </div>
    </fieldset>
  )
}
