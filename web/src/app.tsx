import { useCallback, useEffect, useMemo, useState } from 'react'
import type { ApiError } from './api/api-error'
import { toApiError } from './api/api-error'
import { ApiClient } from './api/client'
import { clearToken, loadToken, saveToken } from './api/session'
import type { Me } from './api/types'
import { AppHeader } from './components/app-header'
import { ErrorNotice } from './components/error-notice'
import { navigate, useLocation } from './hooks/use-location'
import { SessionContext } from './hooks/use-session'
import { RouteView } from './route-view'
import { HOME } from './routes'
import { SignInPage } from './pages/sign-in-page'
import { OidcCallbackPage } from './pages/oidc-callback-page'
import { CALLBACK_PATH, endSsoSession } from './auth/oidc'

export function App() {
  const location = useLocation()
  const [token, setToken] = useState(loadToken)
  const [me, setMe] = useState<Me | null>(null)
  const [ended, setEnded] = useState<ApiError | null>(null)
  const [restoreError, setRestoreError] = useState<ApiError | null>(null)
  const [attempt, setAttempt] = useState(0)

  const signOut = useCallback(() => {
    clearToken()
    setToken(null)
    setMe(null)
    setEnded(null)
    // After an SSO sign-in, also end the session at the identity provider when it offers that.
    endSsoSession()
  }, [])

  const client = useMemo(() => {
    if (token === null) return null
    // A 401 anywhere means the token is gone or expired: drop it rather than retry with it.
    return new ApiClient(token, (error) => {
      clearToken()
      setToken(null)
      setMe(null)
      setEnded(error)
    })
  }, [token])

  useEffect(() => {
    if (client === null || me !== null) return
    client.me().then(setMe, (e: unknown) => {
      setRestoreError(toApiError(e))
    })
  }, [client, me, attempt])

  const signIn = useCallback((newToken: string, who: Me) => {
    saveToken(newToken)
    setEnded(null)
    setRestoreError(null)
    setToken(newToken)
    setMe(who)
    const path = window.location.pathname
    if (path === '/' || path === '/sign-in' || path === CALLBACK_PATH) navigate(HOME)
  }, [])

  const session = useMemo(
    () => (client && me ? { client, me, signOut } : null),
    [client, me, signOut],
  )

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader me={me} pathname={location.pathname} onSignOut={signOut} />
      <main id="main" tabIndex={-1}>
        {session ? (
          <SessionContext.Provider value={session}>
            <RouteView location={location} />
          </SessionContext.Provider>
        ) : client ? (
          restoreError ? (
            <>
              <ErrorNotice error={restoreError} title="Could not restore your session" />
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  onClick={() => {
                    setRestoreError(null)
                    setAttempt((n) => n + 1)
                  }}
                >
                  Try again
                </button>
                <button type="button" onClick={signOut}>
                  Sign out
                </button>
              </div>
            </>
          ) : (
            <p role="status">Checking your session…</p>
          )
        ) : location.pathname === CALLBACK_PATH ? (
          <OidcCallbackPage search={location.search} onSignedIn={signIn} />
        ) : (
          <SignInPage onSignedIn={signIn} reason={ended} />
        )}
      </main>
    </>
  )
}
