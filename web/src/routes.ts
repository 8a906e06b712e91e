/**
 * Every page of the app. `/metrics` is the server's Prometheus endpoint, so the charts live at
 * `/outcomes`.
 */
export const NAV = [
  { path: '/request', label: 'Request access' },
  { path: '/mine', label: 'My access' },
  { path: '/reviews', label: 'Review inbox' },
  { path: '/break-glass', label: 'Break-glass' },
  { path: '/findings', label: 'Findings' },
  { path: '/exceptions', label: 'Exceptions' },
  { path: '/nhis', label: 'Non-human identities' },
  { path: '/audit', label: 'Audit' },
  { path: '/outcomes', label: 'Outcomes' },
] as const

export const HOME = '/mine'

export function reviewPath(requestId: string): string {
  return `/reviews/${encodeURIComponent(requestId)}`
}

export function auditPath(filter: { requestId?: string; grantId?: string }): string {
  const qs = new URLSearchParams()
  if (filter.requestId) qs.set('requestId', filter.requestId)
  if (filter.grantId) qs.set('grantId', filter.grantId)
  return `/audit?${qs.toString()}`
}
