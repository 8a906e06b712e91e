import { useEffect, useRef, useState } from 'react'
import { toApiError, type ApiError } from '../api/api-error'
import { ApiClient } from '../api/client'
import type { Me } from '../api/types'
import { completeSignIn } from '../auth/oidc'
import { ErrorNotice } from '../components/error-notice'
import { Page } from '../components/page'
import { navigate } from '../hooks/use-location'

/** Where the identity provider sends the browser back: redeem the code once, then check it. */
export function OidcCallbackPage({
  search,
  onSignedIn,
}: {
  search: URLSearchParams
  onSignedIn: (token: string, me: Me) => void
}) {
  const [error, setError] = useState<ApiError | null>(null)
  const started = useRef(false)
  useEffect(() => {
    // The pending sign-in is consumed on first use, so a second run could only fail.
    if (started.current) return
    started.current = true
    // The code must not stay in the address bar or the history.
    window.history.replaceState(null, '', window.location.pathname)
    completeSignIn(search)
      .then(async (session) => {
        const me = await new ApiClient(session.accessToken).me()
        onSignedIn(session.accessToken, me)
      })
      .catch((e: unknown) => {
        setError(toApiError(e))
      })
  }, [search, onSignedIn])

  return (
    <Page title="Signing in">
      {error ? (
        <>
          <ErrorNotice error={error} title="Sign-in refused" />
          <button
            type="button"
            className="primary"
            onClick={() => {
              navigate('/')
            }}
          >
            Back to sign-in
          </button>
        </>
      ) : (
        <p role="status">Completing single sign-on…</p>
      )}
    </Page>
  )
}
