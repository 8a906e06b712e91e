import { useEffect, useMemo } from 'react'
import type { EvidenceBundleJson } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { formatDateTime, humanize } from '../lib/format'
import { ErrorNotice } from './error-notice'

/**
 * One request's evidence bundle: what happened, each step with its audit seq and hash, and a
 * download to verify offline. The browser does not verify it; `hourglass audit verify --bundle`
 * does, with only the public key.
 */
export function EvidencePanel({ requestId }: { requestId: string }) {
  const { client } = useSession()
  const load = useAction(client.evidence)
  const bundle = load.result
  return (
    <section className="card" aria-labelledby="evidence-title" data-testid="evidence">
      <h2 id="evidence-title">Evidence for request {requestId}</h2>
      {!bundle && (
        <button type="button" disabled={load.busy} onClick={() => void load.run(requestId)}>
          {load.busy ? 'Assembling…' : 'Show evidence bundle'}
        </button>
      )}
      {load.error && <ErrorNotice error={load.error} title="No evidence bundle" />}
      {bundle && <EvidenceView bundle={bundle} />}
    </section>
  )
}

function EvidenceView({ bundle }: { bundle: EvidenceBundleJson }) {
  const href = useMemo(
    () =>
      URL.createObjectURL(
        new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' }),
      ),
    [bundle],
  )
  useEffect(
    () => () => {
      URL.revokeObjectURL(href)
    },
    [href],
  )
  const file = `evidence-${bundle.requestId}.json`
  return (
    <>
      <p role="status">
        {bundle.status === 'checkpointed' ? (
          <>
            <strong>Covered by a signed checkpoint</strong>
            {bundle.checkpoint && <> (seq {bundle.checkpoint.seq})</>}.
          </>
        ) : (
          <strong>Not yet checkpointed: no signed checkpoint covers the last step yet.</strong>
        )}{' '}
        {bundle.items.length} steps, generated {formatDateTime(bundle.generatedAt)}.
      </p>
      <div className="table-scroll">
        <table className="audit-table">
          <caption className="visually-hidden">Steps of the request, in chain order</caption>
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Step</th>
              <th scope="col">When</th>
              <th scope="col">By</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {bundle.items.map((i) => (
              <tr key={i.seq}>
                <td>{i.seq}</td>
                <td>{humanize(i.kind)}</td>
                <td>{formatDateTime(i.event.at)}</td>
                <td>{i.event.actor}</td>
                <td>
                  <code className="small">{i.hash.slice(0, 16)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {bundle.decisions.length > 0 && (
        <>
          <h3 className="subhead">Policy decisions</h3>
          <ul>
            {bundle.decisions.map((d) => (
              <li key={d.seq}>
                At {d.stage} (seq {d.seq}):{' '}
                <strong>
                  {d.allowed === null ? 'recorded' : d.allowed ? 'allowed' : 'denied'}
                </strong>
                {d.policyHash && (
                  <>
                    {' '}
                    by policy bundle <code className="small">{d.policyHash.slice(0, 12)}…</code>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {bundle.reviews.length > 0 && (
        <>
          <h3 className="subhead">Reviews</h3>
          <ul>
            {bundle.reviews.map((r) => (
              <li key={r.seq}>
                {r.reviewerId}: <strong>{r.verdict ?? '—'}</strong>
                {r.comment && <> · “{r.comment}”</>} (seq {r.seq})
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a href={href} download={file}>
          Download the bundle (JSON)
        </a>{' '}
        and verify it offline: <code>hourglass audit verify --bundle {file}</code> (signing key
        fingerprint <code className="small">{bundle.publicKey.fingerprint}</code>) .
      </p>
    </>
  )
}
