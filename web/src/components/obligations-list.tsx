import type { RequestJson } from '../api/types'
import { formatSeconds } from '../lib/format'

type Obligations = RequestJson['obligations']

/** What policy required of this request, as decided by the server at submission. */
export function ObligationsList({ obligations }: { obligations: Obligations }) {
  const o = obligations
  const lines: string[] = []
  lines.push(
    o.approvals === 0
      ? 'No human approval required by policy'
      : `${o.approvals} distinct approval${o.approvals === 1 ? '' : 's'}`,
  )
  if (o.ownerApproval) lines.push('one approval from an owner of the entitlement')
  for (const g of o.approverGroups) lines.push(`an approval from a member of ${g}`)
  if (o.ticketRequired) lines.push('a ticket reference')
  if (o.maxDurationSeconds !== null) lines.push(`at most ${formatSeconds(o.maxDurationSeconds)}`)
  return (
    <ul className="obligations" aria-label="Policy obligations">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  )
}
