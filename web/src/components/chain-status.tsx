import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { formatDateTime } from '../lib/format'
import { ErrorNotice } from './error-notice'

const VERIFY_COMMAND = 'hourglass audit verify'

/**
 * Where the chain stands: head, signed checkpoints, the public key. Verifying hashes and
 * signatures is the CLI's job, offline with only the public key; the browser does no crypto.
 */
export function ChainStatus() {
  const { client } = useSession()
  const status = useResource(
    'audit:chain',
    async () => {
      const [page, checkpoints, key] = await Promise.all([
        client.auditEvents({ limit: 1 }),
        client.auditCheckpoints(),
        client.auditPublicKey(),
      ])
      return { head: page.head, checkpoints: checkpoints.items, publicKeyPem: key.publicKeyPem }
    },
    10_000,
  )
  const s = status.data
  const latest = s?.checkpoints.reduce<(typeof s.checkpoints)[number] | null>(
    (best, c) => (best === null || c.seq > best.seq ? c : best),
    null,
  )

  return (
    <section className="card chain-status" aria-labelledby="chain-title">
      <h2 id="chain-title">Chain status</h2>
      {status.error && <ErrorNotice error={status.error} title="Could not read the chain" />}
      {s && (
        <dl className="facts">
          <div>
            <dt>Head</dt>
            <dd data-testid="chain-head">
              seq <strong>{s.head.seq}</strong> ·{' '}
              <code title={s.head.hash}>{s.head.hash.slice(0, 16)}…</code>
            </dd>
          </div>
          <div>
            <dt>Signed checkpoints</dt>
            <dd data-testid="chain-checkpoints">
              <strong>{s.checkpoints.length}</strong>
            </dd>
          </div>
          <div>
            <dt>Latest checkpoint</dt>
            <dd>
              {latest ? (
                <>
                  seq {latest.seq} · {formatDateTime(latest.at)} · key <code>{latest.keyId}</code>
                </>
              ) : (
                'none yet: the server signs periodically and on shutdown'
              )}
            </dd>
          </div>
          <div>
            <dt>Not yet checkpointed</dt>
            <dd>{s.head.seq - (latest?.seq ?? 0)} events</dd>
          </div>
          <div className="span-all">
            <dt>Public key (Ed25519)</dt>
            <dd>
              <details>
                <summary>Show PEM</summary>
                <pre className="pem">{s.publicKeyPem}</pre>
              </details>
            </dd>
          </div>
        </dl>
      )}
      <p>
        This page shows status only. To verify every hash and signature, run{' '}
        <code>{VERIFY_COMMAND}</code> with an admin token, or verify an export offline with{' '}
        <code>hourglass audit verify --file … --checkpoints … --public-key …</code>.
      </p>
    </section>
  )
}
