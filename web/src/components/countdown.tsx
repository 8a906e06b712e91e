import { useNow } from '../hooks/use-now'
import { formatRemaining, formatTime } from '../lib/format'

/**
 * Ticks every second. role="timer" keeps screen readers from announcing each tick; the absolute
 * expiry time is part of the accessible text so it reads well whenever it is reached.
 */
export function Countdown({ until, label = 'Expires in' }: { until: string; label?: string }) {
  const now = useNow(1000)
  const left = new Date(until).getTime() - now
  return (
    <p className="countdown">
      {label}{' '}
      <span role="timer" className="countdown-value" data-testid="countdown">
        {left > 0 ? formatRemaining(left) : 'now'}
      </span>{' '}
      <span className="muted">
        (at <time dateTime={until}>{formatTime(until)}</time>)
      </span>
    </p>
  )
}
