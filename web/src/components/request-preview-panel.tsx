import type { PreviewState } from '../hooks/use-request-preview'
import { formatSeconds } from '../lib/format'
import { ErrorNotice } from './error-notice'

/** Who must approve, in words: owners and groups the policy names, then the people it named. */
function approversText(p: NonNullable<PreviewState['result']>): string {
  const from: string[] = []
  if (p.obligations.ownerApproval) from.push('an owner')
  for (const g of p.obligations.approverGroups) from.push(`a member of ${g}`)
  const n = p.obligations.approvalsNeeded
  const head = `Needs ${n} approval${n === 1 ? '' : 's'}`
  return from.length > 0 ? `${head}, including ${from.join(' and ')}` : head
}

/**
 * "What happens if you submit": the server's dry-run decision, shown as is. The summary sits in
 * a live region so a screen reader hears the decision change as the form changes.
 */
export function RequestPreviewPanel({ state }: { state: PreviewState }) {
  const { loading, result, error } = state
  const cap = error?.code === 'grant.window_exceeds_policy' ? error.details : null
  return (
    <section className="card" aria-labelledby="preview-title" data-testid="request-preview">
      <h2 id="preview-title">What happens if you submit</h2>
      <div role="status" aria-live="polite" aria-busy={loading} data-testid="preview-summary">
        {loading && !result && !error && <p className="muted">Asking policy…</p>}
        {cap && (
          <p>
            Refused as asked: the duration is longer than the {String(cap.source)} maximum of{' '}
            {formatSeconds(Number(cap.maxSeconds))}. Ask for {formatSeconds(Number(cap.maxSeconds))}{' '}
            or less.
          </p>
        )}
        {error && !cap && <ErrorNotice error={error} title="Would not be accepted" />}
        {result && !result.allowed && (
          <p>
            <strong>Denied by policy</strong>
            {result.reasons.length > 0 ? `: ${result.reasons.join('; ')}` : '.'}
          </p>
        )}
        {result?.allowed && result.autoApproved && (
          <p>
            <strong>Auto-approved</strong> by policy for {formatSeconds(result.duration.granted)}.
          </p>
        )}
        {result?.allowed && !result.autoApproved && (
          <>
            <p>
              <strong>{approversText(result)}</strong>
              {result.obligations.dualApproval ? ' (dual approval: two different people)' : ''}.
            </p>
            <p>
              Who can approve:{' '}
              <span data-testid="preview-reviewers">
                {result.eligibleReviewers.map((r) => `${r.displayName} (${r.id})`).join(', ') ||
                  'nobody is named yet'}
              </span>
            </p>
          </>
        )}
        {result?.allowed && result.duration.clampedBecause && (
          <p className="muted">
            Duration {formatSeconds(result.duration.granted)}: {result.duration.clampedBecause}.
          </p>
        )}
        {result?.allowed && result.obligations.ticketRequired && (
          <p className="muted">Policy requires a ticket reference.</p>
        )}
      </div>
    </section>
  )
}
