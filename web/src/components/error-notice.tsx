import type { ApiError } from '../api/api-error'
import { hintFor } from '../lib/error-hints'

/** Every error shows the server's code, its message and the request id to quote to an operator. */
export function ErrorNotice({ error, title }: { error: ApiError; title?: string }) {
  const hint = hintFor(error.code)
  const { reasons, issues, rest } = splitDetails(error.details)
  return (
    <div className="notice notice-error" role="alert" data-error-code={error.code}>
      <p className="notice-title">
        {title ?? 'The server refused'}: <code className="error-code">{error.code}</code>
      </p>
      <p>{error.message}</p>
      {reasons.length > 0 && (
        <ul aria-label="Reasons">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {issues.length > 0 && (
        <ul aria-label="Problems with the input">
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
      {hint && <p className="notice-hint">{hint}</p>}
      {rest.length > 0 && (
        <dl className="details">
          {rest.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {error.requestId && <p className="muted small">Server request id: {error.requestId}</p>}
    </div>
  )
}

function splitDetails(details: Record<string, unknown> | null) {
  const { reasons, issues, ...rest } = details ?? {}
  return {
    reasons: Array.isArray(reasons) ? reasons.map(String) : [],
    issues: Array.isArray(issues) ? issues.map(describeIssue) : [],
    rest: Object.entries(rest),
  }
}

function describeIssue(issue: unknown): string {
  if (typeof issue !== 'object' || issue === null) return String(issue)
  const { path, message } = issue as { path?: unknown; message?: unknown }
  const where = typeof path === 'string' && path !== '' ? `${path}: ` : ''
  return `${where}${typeof message === 'string' ? message : JSON.stringify(issue)}`
}
