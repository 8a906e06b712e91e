import { humanize } from '../lib/format'

/** Badges always carry their meaning as text; colour only reinforces it. */
export function RiskBadge({ tier }: { tier: string }) {
  return <span className={`badge risk-${tier}`}>{tier} risk</span>
}

const TONE: Record<string, 'ok' | 'wait' | 'bad' | 'done'> = {
  pending: 'wait',
  approved: 'ok',
  denied: 'bad',
  cancelled: 'done',
  lapsed: 'done',
  scheduled: 'wait',
  issuing: 'wait',
  issue_failed: 'bad',
  active: 'ok',
  revoking: 'wait',
  revoke_failed: 'bad',
  revoked: 'done',
  irrevocable: 'bad',
}

export function StateBadge({ state }: { state: string }) {
  return (
    <span className={`badge state-${TONE[state] ?? 'done'}`} data-state={state}>
      {humanize(state)}
    </span>
  )
}
