import { useState, type SubmitEvent } from 'react'
import type { ApiError } from '../api/api-error'
import { ApiClient } from '../api/client'
import type { Me } from '../api/types'
import { ErrorNotice } from '../components/error-notice'
import { Page } from '../components/page'
import { useAction } from '../hooks/use-action'

interface SignInPageProps {
  onSignedIn: (token: string, me: Me) => void
  /** Why the previous session ended (an expired or revoked token), shown above the form. */
  reason: ApiError | null
}

export function SignInPage({ onSignedIn, reason }: SignInPageProps) {
  const [token, setToken] = useState('')
  const [ssoNote, setSsoNote] = useState(false)
  const check = useAction((t: string) => new ApiClient(t).me())

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const trimmed = token.trim()
    const me = await check.run(trimmed)
    if (me) onSignedIn(trimmed, me)
  }

  return (
    <Page
      title="Sign in"
      intro="Hourglass grants access just in time: ask for an entitlement, get it reviewed, use it, and it is taken back."
    >
      {reason && !check.error && <ErrorNotice error={reason} title="Your session ended" />}
      <form className="card form narrow" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="token">API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={token}
            aria-describedby="token-help"
            onChange={(e) => {
              setToken(e.target.value)
            }}
          />
          <p id="token-help" className="help">
            Paste a token starting with <code>hgt_</code>. <code>hourglass init</code> (or the first{' '}
            <code>hourglass serve</code>) prints one per sample identity; admins create more with{' '}
            <code>POST /v1/tokens</code>. It is kept for this tab only and cleared when you sign out
            or close the browser.
          </p>
        </div>
        {check.error && <ErrorNotice error={check.error} title="Sign-in failed" />}
        <div className="actions">
          <button type="submit" className="primary" disabled={check.busy || token.trim() === ''}>
            {check.busy ? 'Checking…' : 'Sign in'}
          </button>
          <button
            type="button"
            aria-disabled="true"
            aria-describedby="sso-note"
            onClick={() => {
              setSsoNote(true)
            }}
          >
            Sign in with SSO
          </button>
        </div>
        {/* Placeholder: OIDC authorization code + PKCE sign-in lands here. */}
        <p id="sso-note" className={ssoNote ? 'notice notice-info' : 'help'} role="status">
          Single sign-on (OIDC, authorization code with PKCE) is coming later. Until then, use an
          API token; the API already accepts OIDC access tokens pasted here.
        </p>
      </form>
    </Page>
  )
}
