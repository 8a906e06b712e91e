/**
 * `<input type="datetime-local">` speaks the browser's wall-clock time with no zone, while the
 * URL and the API speak ISO instants: these convert at the edge so a shared link means the same
 * moment everywhere.
 */
export function isoToLocalInput(iso: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  const d = new Date(ms)
  return new Date(ms - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19)
}

export function localInputToIso(value: string): string {
  if (!value) return ''
  const ms = new Date(value).getTime()
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString()
}
