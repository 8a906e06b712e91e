const UNITS: [string, number][] = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
]

/** 5400 → "1h 30m". Durations are shown, never parsed: the server owns the parsing. */
export function formatSeconds(total: number): string {
  if (total <= 0) return '0s'
  const parts: string[] = []
  let rest = Math.floor(total)
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size)
    if (n > 0) parts.push(`${n}${unit}`)
    rest -= n * size
  }
  return parts.join(' ')
}

/** Countdown text, to the second: "1h 02m 05s", "4m 05s", "9s". */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const pad = (n: number) => String(n).padStart(2, '0')
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`
  if (m > 0) return `${m}m ${pad(s)}s`
  return `${s}s`
}

export function formatDateTime(iso: string | null): string {
  if (iso === null) return '—'
  return new Date(iso).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'medium',
  })
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { timeStyle: 'medium' })
}

/** `task_completion` → "task completion": enum values read as words. */
export function humanize(value: string): string {
  return value.replaceAll('_', ' ')
}
