import { useState, type SubmitEvent } from 'react'
import type { ApiError } from '../api/api-error'
import { ApiClient } from '../api/client'
import type { Me } from '../api/types'
import { ErrorNotice } from '../components/error-notice'
import { Page } from '../components/page'
import { loadAuthConfig, startSignIn } from '../auth/oidc'
import { useAction } from '../hooks/use-action'
import { useResource } from '../hooks/use-resource'

interface SignInPageProps {
  onSignedIn: (token: string, me: Me) => void
  /** Why the previous session ended (an expired or revoked token), shown above the form. */
  reason: ApiError | null
}

export function SignInPage({ onSignedIn, reason }: SignInPageProps) {
  const [token, setToken] = useState('')
  const check = useAction((t: string) => new ApiClient(t).me())
  const sso = useResource('auth-config', loadAuthConfig)
  const startSso = useAction(startSignIn)
  const ssoConfig = sso.data

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
        </div>
      </form>
      <div className="card form narrow">
        <h2>Single sign-on</h2>
        {ssoConfig ? (
          <>
            <p className="help">
              Signs you in at <code>{ssoConfig.issuer}</code> and comes back here. Nothing is stored
              in cookies; the access token is kept for this tab only.
            </p>
            <div className="actions">
              <button
                type="button"
                className="primary"
                disabled={startSso.busy}
                onClick={() => void startSso.run(ssoConfig)}
              >
                Sign in with SSO
              </button>
            </div>
          </>
        ) : (
          <p className="help" role="status">
            {sso.loading
              ? 'Checking the sign-in options…'
              : 'Single sign-on is not configured on this server (set oidc.webClientId). Use an API token.'}
          </p>
        )}
        {startSso.error && <ErrorNotice error={startSso.error} title="Single sign-on failed" />}
      </div>
    </Page>
  )
}
