import { useState } from 'react'
import type { GrantJson } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { ErrorNotice } from './error-notice'
import { ExtendGrantForm } from './extend-grant-form'

/** Complete (the holder is done) and Revoke (take it away now, after a confirmation). */
export function GrantActions({ grant, onChanged }: { grant: GrantJson; onChanged: () => void }) {
  const { client } = useSession()
  const complete = useAction(client.completeGrant)
  const revoke = useAction(client.revokeGrant)
  const [confirming, setConfirming] = useState(false)
  const busy = complete.busy || revoke.busy
  const after = (ok: GrantJson | null) => {
    if (ok) onChanged()
  }

  return (
    <div>
      <div className="actions">
        <button
          type="button"
          disabled={busy}
          onClick={() => void complete.run(grant.id).then(after)}
        >
          Complete (I&apos;m done)
        </button>
        {confirming ? (
          <span className="confirm" role="group" aria-label="Confirm revocation">
            <span>Revoke now? Access ends immediately.</span>{' '}
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() =>
                void revoke.run(grant.id).then((g) => {
                  setConfirming(false)
                  after(g)
                })
              }
            >
              Yes, revoke
            </button>{' '}
            <button
              type="button"
              onClick={() => {
                setConfirming(false)
              }}
            >
              Keep
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => {
              setConfirming(true)
            }}
          >
            Revoke
          </button>
        )}
      </div>
      {complete.error && <ErrorNotice error={complete.error} title="Could not complete" />}
      {revoke.error && <ErrorNotice error={revoke.error} title="Could not revoke" />}
      {grant.state === 'active' && <ExtendGrantForm grant={grant} onChanged={onChanged} />}
    </div>
  )
}
