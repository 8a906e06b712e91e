import { ApiError, clientError } from '../api/api-error'

/** What `GET /v1/auth/config` says about SSO; null when the server offers none. */
export interface OidcConfig {
  issuer: string
  clientId: string
  scopes: string
  /** The API's resource indicator: the access token must be for it. */
  resource: string
}

interface Discovery {
  issuer: string
  authorization_endpoint: string
  token_endpoint: string
  end_session_endpoint?: string
}

/** One sign-in in flight, kept in this tab only; used once, then deleted. */
interface Pending {
  state: string
  nonce: string
  verifier: string
  redirectUri: string
  issuer: string
  clientId: string
  resource: string
  tokenEndpoint: string
  endSessionEndpoint: string | null
}

export interface OidcSession {
  accessToken: string
  /** For end-session: the provider needs it as `id_token_hint`. */
  logout: { endpoint: string; idToken: string | null; clientId: string } | null
}

const PENDING_KEY = 'hourglass.oidc.pending'
const LOGOUT_KEY = 'hourglass.oidc.logout'
export const CALLBACK_PATH = '/auth/callback'

export async function loadAuthConfig(): Promise<OidcConfig | null> {
  const res = await fetch('/v1/auth/config', { cache: 'no-store', credentials: 'omit' })
  if (!res.ok) return null
  const body = (await res.json()) as { oidc?: OidcConfig | null }
  return body.oidc ?? null
}

/** Sends the browser to the issuer: authorization code with PKCE (S256), state and nonce. */
export async function startSignIn(config: OidcConfig): Promise<void> {
  const discovery = await discover(config.issuer)
  const verifier = randomToken(32)
  const pending: Pending = {
    state: randomToken(16),
    nonce: randomToken(16),
    verifier,
    redirectUri: `${window.location.origin}${CALLBACK_PATH}`,
    issuer: config.issuer,
    clientId: config.clientId,
    resource: config.resource,
    tokenEndpoint: discovery.token_endpoint,
    endSessionEndpoint: discovery.end_session_endpoint ?? null,
  }
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending))
  const url = new URL(discovery.authorization_endpoint)
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: pending.redirectUri,
    scope: config.scopes,
    resource: config.resource,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
  }).toString()
  window.location.assign(url.href)
}

/**
 * Finishes a sign-in at the callback. The pending sign-in is consumed first, so an answer can be
 * redeemed once; one whose `state` is not the one this tab sent is refused before any code is
 * exchanged (a forged or replayed callback), and the ID token must carry our `nonce`.
 */
export async function completeSignIn(params: URLSearchParams): Promise<OidcSession> {
  const raw = sessionStorage.getItem(PENDING_KEY)
  sessionStorage.removeItem(PENDING_KEY)
  const pending = raw ? (JSON.parse(raw) as Pending) : null
  const state = params.get('state')
  if (pending === null || state === null || state !== pending.state) {
    throw clientError(
      'client.oidc_state_mismatch',
      'The sign-in answer does not match a sign-in started in this tab (state mismatch).',
    )
  }
  const error = params.get('error')
  if (error !== null) {
    throw clientError('client.oidc_failed', `The identity provider answered: ${error} ${params.get('error_description') ?? ''}`.trim())
  }
  const code = params.get('code')
  if (code === null) throw clientError('client.oidc_failed', 'The identity provider sent no code.')
  let res: Response
  try {
    res = await fetch(pending.tokenEndpoint, {
      method: 'POST',
      credentials: 'omit',
      cache: 'no-store',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: pending.clientId,
        redirect_uri: pending.redirectUri,
        code,
        code_verifier: pending.verifier,
        resource: pending.resource,
      }),
    })
  } catch {
    throw clientError('client.network', 'Cannot reach the identity provider.')
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (!res.ok || typeof body.access_token !== 'string') {
    throw clientError('client.oidc_failed', `The token endpoint refused: ${typeof body.error === 'string' ? body.error : String(res.status)}`)
  }
  const idToken = typeof body.id_token === 'string' ? body.id_token : null
  if (idToken !== null) checkIdToken(idToken, pending)
  const logout = pending.endSessionEndpoint
    ? { endpoint: pending.endSessionEndpoint, idToken, clientId: pending.clientId }
    : null
  if (logout) sessionStorage.setItem(LOGOUT_KEY, JSON.stringify(logout))
  return { accessToken: body.access_token, logout }
}

/**
 * Forgets the SSO session here and, if the issuer advertises end-session, ends it there too.
 * Returns true when the browser is being sent to the issuer.
 */
export function endSsoSession(): boolean {
  const raw = sessionStorage.getItem(LOGOUT_KEY)
  sessionStorage.removeItem(LOGOUT_KEY)
  sessionStorage.removeItem(PENDING_KEY)
  if (!raw) return false
  const logout = JSON.parse(raw) as NonNullable<OidcSession['logout']>
  const url = new URL(logout.endpoint)
  url.searchParams.set('client_id', logout.clientId)
  url.searchParams.set('post_logout_redirect_uri', `${window.location.origin}/`)
  if (logout.idToken) url.searchParams.set('id_token_hint', logout.idToken)
  window.location.assign(url.href)
  return true
}

/**
 * The ID token only proves this answer is for our sign-in (nonce, issuer, audience); the API
 * verifies the access token's signature itself, so the browser need not.
 */
function checkIdToken(idToken: string, pending: Pending): void {
  let claims: { nonce?: unknown; iss?: unknown; aud?: unknown }
  try {
    const payload = idToken.split('.')[1] ?? ''
    claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as typeof claims
  } catch {
    throw clientError('client.oidc_failed', 'The ID token is not readable.')
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (claims.nonce !== pending.nonce) {
    throw clientError('client.oidc_failed', 'The ID token does not carry this sign-in’s nonce.')
  }
  if (claims.iss !== pending.issuer || !aud.includes(pending.clientId)) {
    throw clientError('client.oidc_failed', 'The ID token is for another issuer or client.')
  }
}

async function discover(issuer: string): Promise<Discovery> {
  try {
    const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      credentials: 'omit',
    })
    if (!res.ok) throw new Error(String(res.status))
    const doc = (await res.json()) as Discovery
    if (doc.issuer !== issuer) throw new Error('issuer mismatch')
    return doc
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw clientError('client.oidc_failed', `Cannot read the identity provider's discovery document (${String(e)}).`)
  }
}

function randomToken(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64url(new Uint8Array(digest))
}

function base64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
