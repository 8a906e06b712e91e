import { useId, useRef, useState } from 'react'
import type { GrantJson } from '../api/types'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { formatDateTime } from '../lib/format'
import { ErrorNotice } from './error-notice'

/**
 * The server hands a credential out exactly once and wipes it. It lives only in this component's
 * state: never stored, never logged, gone when the card is hidden or the page is left.
 */
export function CredentialReveal({ grant }: { grant: GrantJson }) {
  const { client } = useSession()
  const reveal = useAction(client.revealCredential)
  const [hidden, setHidden] = useState(false)
  const [copied, setCopied] = useState<'yes' | 'manual' | null>(null)
  const field = useRef<HTMLTextAreaElement>(null)
  const id = useId()
  const shown = reveal.result && !hidden ? reveal.result : null

  const copy = async () => {
    if (!shown) return
    try {
      await navigator.clipboard.writeText(shown.credential)
      setCopied('yes')
    } catch {
      // The clipboard API needs a secure context; select the text so Ctrl+C works instead.
      field.current?.select()
      setCopied('manual')
    }
  }

  return (
    <div className="credential">
      {!shown && (
        <p>
          <button
            type="button"
            onClick={() => {
              setHidden(false)
              setCopied(null)
              void reveal.run(grant.id)
            }}
            disabled={reveal.busy}
          >
            {reveal.busy ? 'Retrieving…' : 'Show credential once'}
          </button>{' '}
          <span className="muted small">
            {grant.credentialRetrievedAt
              ? `Already retrieved ${formatDateTime(grant.credentialRetrievedAt)}.`
              : 'It is shown one time only, then wiped on the server.'}
          </span>
        </p>
      )}
      {reveal.error && <ErrorNotice error={reveal.error} title="Credential not shown" />}
      {shown && (
        <div className="notice notice-warning">
          <p className="notice-title" role="alert">
            Copy it now: this credential will not be shown again.
          </p>
          <label htmlFor={id}>Credential for grant {shown.grantId}</label>
          <textarea
            id={id}
            ref={field}
            className="secret"
            readOnly
            rows={3}
            spellCheck={false}
            value={shown.credential}
            data-testid="credential"
          />
          <div className="actions">
            <button type="button" onClick={() => void copy()}>
              Copy
            </button>
            <button
              type="button"
              onClick={() => {
                setHidden(true)
              }}
            >
              Hide
            </button>
            <span role="status" className="muted small">
              {copied === 'yes'
                ? 'Copied to the clipboard.'
                : copied === 'manual'
                  ? 'Selected: press Ctrl+C (⌘C) to copy.'
                  : ''}
            </span>
          </div>
          <p className="small">Valid until {formatDateTime(shown.expiresAt)}.</p>
          {shown.instructions && (
            <>
              <p className="small">How to use it:</p>
              <pre className="instructions">{shown.instructions}</pre>
            </>
          )}
        </div>
      )}
    </div>
  )
}
