import type { GrantJson, RequestDetail } from '../api/types'
import { formatDateTime, formatSeconds, humanize } from '../lib/format'

type StepStatus = 'done' | 'current' | 'todo' | 'failed'

interface Step {
  key: string
  label: string
  status: StepStatus
  detail: string
}

const STATUS_TEXT: Record<StepStatus, string> = {
  done: 'done',
  current: 'in progress',
  todo: 'not yet',
  failed: 'failed',
}

/** submitted → decision → reviews → issued → revoked → verified, from what the server recorded. */
export function RequestTimeline({ detail }: { detail: RequestDetail }) {
  const steps = [...requestSteps(detail), ...grantSteps(detail)]
  return (
    <ol className="timeline" aria-label={`Timeline of request ${detail.id}`}>
      {steps.map((s) => (
        <li
          key={s.key}
          className={`step step-${s.status}`}
          data-step={s.key}
          data-status={s.status}
        >
          <span className="step-label">
            {s.label} <span className="visually-hidden">({STATUS_TEXT[s.status]})</span>
          </span>
          <span className="step-detail">{s.detail}</span>
        </li>
      ))}
    </ol>
  )
}

function requestSteps(r: RequestDetail): Step[] {
  const steps: Step[] = [
    {
      key: 'submitted',
      label: 'Submitted',
      status: 'done',
      detail: `${formatDateTime(r.submittedAt)} by ${r.requesterId}`,
    },
  ]
  const deniedByReview = r.reviews.some((v) => v.verdict === 'deny')
  if (r.state === 'denied' && !deniedByReview) {
    steps.push({
      key: 'policy',
      label: 'Policy decision',
      status: 'failed',
      detail: `Denied by policy: ${r.decisionReason ?? 'no reason given'}`,
    })
    return steps
  }
  const auto = r.obligations.approvals === 0 && r.reviews.length === 0 && r.state === 'approved'
  steps.push({
    key: 'policy',
    label: 'Policy decision',
    status: 'done',
    detail: auto
      ? (r.decisionReason ?? 'Approved by policy')
      : `Review by ${r.eligibleReviewers.join(', ') || 'nobody named'}`,
  })
  if (!auto) {
    for (const v of r.reviews) {
      steps.push({
        key: `review-${v.id}`,
        label: `${v.reviewerId} ${v.verdict === 'approve' ? 'approved' : 'denied'}`,
        status: v.verdict === 'approve' ? 'done' : 'failed',
        detail: `${formatDateTime(v.createdAt)}${v.comment ? ` — “${v.comment}”` : ''}`,
      })
    }
  }
  if (r.state === 'pending') {
    steps.push({
      key: 'reviews',
      label: 'Awaiting review',
      status: 'current',
      detail: `Review closes ${formatDateTime(r.reviewDeadline)}`,
    })
  } else if (r.state !== 'approved' || !auto) {
    steps.push({
      key: 'decided',
      label: humanize(r.state).replace(/^./, (c) => c.toUpperCase()),
      status: r.state === 'approved' ? 'done' : 'failed',
      detail: formatDateTime(r.decidedAt),
    })
  }
  return steps
}

function grantSteps(r: RequestDetail): Step[] {
  if (r.state !== 'approved' && r.state !== 'pending') return []
  const g = r.grant
  if (g === null) {
    return [
      { key: 'issued', label: 'Issued', status: 'todo', detail: 'after approval' },
      {
        key: 'revoked',
        label: 'Revoked',
        status: 'todo',
        detail: `${formatSeconds(r.durationSeconds)} after issue, or ${humanize(r.revocationCondition)}`,
      },
      { key: 'verified', label: 'Verified gone', status: 'todo', detail: 'after revocation' },
    ]
  }
  return [issuedStep(g), revokedStep(g), verifiedStep(g)]
}

function issuedStep(g: GrantJson): Step {
  if (g.issuedAt !== null) {
    return { key: 'issued', label: 'Issued', status: 'done', detail: formatDateTime(g.issuedAt) }
  }
  const failed = g.state === 'issue_failed'
  const never = g.state === 'revoked' || g.state === 'revoking'
  return {
    key: 'issued',
    label: 'Issued',
    status: failed ? 'failed' : never ? 'todo' : 'current',
    detail: failed
      ? (g.lastError ?? 'issue failed; retrying')
      : never
        ? 'never issued'
        : humanize(g.state),
  }
}

function revokedStep(g: GrantJson): Step {
  if (g.revokedAt !== null) {
    const lag = g.revocationLagMs === null ? '' : `, ${g.revocationLagMs} ms after due`
    return {
      key: 'revoked',
      label: 'Revoked',
      status: 'done',
      detail: `${formatDateTime(g.revokedAt)} (${humanize(g.revokeReason ?? 'unknown reason')}${lag})`,
    }
  }
  const trouble = g.state === 'revoke_failed' || g.state === 'irrevocable'
  return {
    key: 'revoked',
    label: 'Revoked',
    status: trouble ? 'failed' : g.state === 'revoking' ? 'current' : 'todo',
    detail: trouble
      ? `${humanize(g.state)}: ${g.lastError ?? 'the target refused'}`
      : `due ${formatDateTime(g.revokeDueAt ?? g.expiresAt)}`,
  }
}

function verifiedStep(g: GrantJson): Step {
  const v = g.verification
  if (v === null) {
    return { key: 'verified', label: 'Verified gone', status: 'todo', detail: 'after revocation' }
  }
  return {
    key: 'verified',
    label: 'Verified gone',
    status: v === 'still_live' ? 'failed' : 'done',
    detail: humanize(v),
  }
}
