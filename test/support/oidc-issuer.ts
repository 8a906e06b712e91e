/**
 * A real OpenID Provider (oidc-provider) on 127.0.0.1 for tests. Tokens come out of the real
 * authorization-code + PKCE flow, driven over HTTP the way a browser would; nothing is hand-signed.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { text } from 'node:stream/consumers'

import { exportJWK, generateKeyPair } from 'jose'
import type { JWK } from 'jose'

export const TEST_ACCOUNTS = ['alice', 'bob', 'carol'] as const
/** Every test account signs in with this password. */
export const TEST_ACCOUNT_PASSWORD = 'correct horse battery staple'
export const TEST_CLIENT_ID = 'hourglass-web'
export const TEST_AUDIENCE = 'https://hourglass.test/api'
/** A second resource server, so tests can obtain a genuine token with the wrong audience. */
export const OTHER_AUDIENCE = 'https://other-service.test/api'
/** Registered for `getAccessToken`; never contacted because the helper stops at the redirect. */
const HELPER_REDIRECT_URI = 'http://127.0.0.1/hourglass-test-callback'

export interface OidcIssuerOptions {
  accounts?: readonly string[]
  /** Extra redirect URIs for the public client, e.g. the web UI's callback. */
  redirectUris?: readonly string[]
  /** Where end-session may send the browser back, e.g. the web UI's `/`. */
  postLogoutRedirectUris?: readonly string[]
  accessTokenTtlSeconds?: number
  /** Sign with this private JWK instead of a fresh one, e.g. to impersonate another issuer's keys. */
  signingKey?: JWK
}

export interface OidcIssuer {
  /** `http://127.0.0.1:<port>`, exactly the `iss` in its tokens. */
  issuer: string
  audience: string
  otherAudience: string
  clientId: string
  /** Private signing key, so a second issuer can reuse it. */
  signingKey: JWK
  /** Signs `accountId` in through login and consent, then redeems the code with PKCE. */
  getAccessToken(accountId: string, options?: { resource?: string }): Promise<string>
  /** While false every request gets 503, as during a provider outage. */
  setReachable(reachable: boolean): void
  stop(): Promise<void>
}

export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const accounts = new Set(options.accounts ?? TEST_ACCOUNTS)
  const signingKey = options.signingKey ?? (await newSigningKey())
  // The issuer URL embeds the port, so listen first and attach the provider once it exists.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const { default: Provider, errors } = (await import(OIDC_PROVIDER_MODULE)) as {
    default: new (issuer: string, configuration: object) => OidcProvider
    errors: { InvalidTarget: new () => Error }
  }
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Explicit lifetimes (seconds) keep oidc-provider from printing a notice for each default.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, IdToken: 300, AccessToken: 300 },
    findAccount: (_ctx: unknown, id: string) =>
      accounts.has(id) ? { accountId: id, claims: () => ({ sub: id }) } : undefined,
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [...(options.redirectUris ?? []), HELPER_REDIRECT_URI],
        post_logout_redirect_uris: [...(options.postLogoutRedirectUris ?? [])],
      },
    ],
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => interactionPath(interaction.uid),
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => TEST_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== TEST_AUDIENCE && resource !== OTHER_AUDIENCE) {
            throw new errors.InvalidTarget()
          }
          return {
            scope: 'api',
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: options.accessTokenTtlSeconds ?? 300,
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
  })

  const providerCallback = provider.callback()
  let reachable = true
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!reachable) {
      res.writeHead(503).end()
      return
    }
    if (req.url?.startsWith('/interaction/') !== true) {
      providerCallback(req, res)
      return
    }
    handleInteraction(provider, accounts, req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
    })
  })

  return {
    issuer,
    audience: TEST_AUDIENCE,
    otherAudience: OTHER_AUDIENCE,
    clientId: TEST_CLIENT_ID,
    signingKey,
    getAccessToken: (accountId, tokenOptions = {}) =>
      runAuthorizationCodeFlow(issuer, accountId, tokenOptions.resource ?? TEST_AUDIENCE),
    setReachable: (value) => {
      reachable = value
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve()
          else reject(error)
        })
        // fetch keeps connections alive; without this close() waits for them to idle out.
        server.closeAllConnections()
      }),
  }
}

// A variable specifier: oidc-provider ships no types, and we declare only the slice we call.
const OIDC_PROVIDER_MODULE: string = 'oidc-provider'

interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: object,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>
  Grant: {
    new (init: { accountId: string; clientId: string }): ProviderGrant
    find(id: string): Promise<ProviderGrant | undefined>
  }
}

interface InteractionDetails {
  uid: string
  prompt: {
    name: string
    details: {
      missingOIDCScope?: string[]
      missingOIDCClaims?: string[]
      missingResourceScopes?: Record<string, string[]>
    }
  }
  params: { client_id: string }
  session?: { accountId: string }
  grantId?: string
}

interface ProviderGrant {
  addOIDCScope(scope: string): void
  addOIDCClaims(claims: string[]): void
  addResourceScope(resource: string, scope: string): void
  save(): Promise<string>
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, alg: 'RS256', use: 'sig', kid: randomBytes(8).toString('hex') }
}

const interactionPath = (uid: string): string => `/interaction/${uid}`

/** The sign-in and consent pages a real deployment would render, reduced to plain forms. */
async function handleInteraction(
  provider: OidcProvider,
  accounts: ReadonlySet<string>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res)
  const action = req.url?.split('?')[0]?.split('/')[3]
  if (req.method === 'GET') {
    renderForm(res, 200, details)
    return
  }
  const body = new URLSearchParams(await text(req))
  if (action === 'login' && details.prompt.name === 'login') {
    const login = body.get('login') ?? ''
    if (!accounts.has(login) || body.get('password') !== TEST_ACCOUNT_PASSWORD) {
      renderForm(res, 401, details, 'unknown account or wrong password')
      return
    }
    const result = { login: { accountId: login } }
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false })
  }
  if (action === 'confirm' && details.prompt.name === 'consent') {
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details
    const grant =
      (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ??
      new provider.Grant({
        accountId: details.session?.accountId ?? '',
        clientId: details.params.client_id,
      })
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '))
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims)
    for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '))
    }
    const result = { consent: { grantId: await grant.save() } }
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true })
  }
  res.writeHead(400, { 'content-type': 'text/plain' }).end('unexpected interaction step')
}

function renderForm(
  res: ServerResponse,
  status: number,
  details: InteractionDetails,
  error?: string,
): void {
  const isLogin = details.prompt.name === 'login'
  const fields = isLogin
    ? '<input name="login" autocomplete="username"><input name="password" type="password">'
    : '<p>Allow Hourglass to act on your behalf?</p>'
  const action = `${interactionPath(details.uid)}/${isLogin ? 'login' : 'confirm'}`
  const html = `<!doctype html><title>${isLogin ? 'Sign in' : 'Consent'}</title>
${error === undefined ? '' : `<p role="alert">${error}</p>`}
<form method="post" action="${action}">${fields}<button type="submit">Continue</button></form>`
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html)
}

/** Plays the browser: follows redirects, keeps cookies, fills the forms it is shown. */
async function runAuthorizationCodeFlow(
  issuer: string,
  accountId: string,
  resource: string,
): Promise<string> {
  const browser = new CookieBrowser()
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string
    token_endpoint: string
  }
  const verifier = randomBytes(32).toString('base64url')
  const state = randomBytes(16).toString('base64url')
  const authorize = new URL(metadata.authorization_endpoint)
  authorize.search = new URLSearchParams({
    client_id: TEST_CLIENT_ID,
    response_type: 'code',
    redirect_uri: HELPER_REDIRECT_URI,
    scope: 'openid api',
    resource,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString()

  let response = await browser.fetch(authorize.href)
  for (let step = 0; step < 12; step++) {
    const location = response.headers.get('location')
    if (location !== null) {
      const next = new URL(location, response.url)
      if (next.href.startsWith(HELPER_REDIRECT_URI)) {
        return redeemCode(metadata.token_endpoint, next, state, verifier, resource)
      }
      response = await browser.fetch(next.href)
      continue
    }
    const page = await response.text()
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1]
    if (response.status !== 200 || action === undefined) {
      throw new Error(`sign-in flow stopped at HTTP ${response.status}: ${page.slice(0, 300)}`)
    }
    const form = page.includes('name="login"')
      ? new URLSearchParams({ login: accountId, password: TEST_ACCOUNT_PASSWORD })
      : new URLSearchParams()
    response = await browser.fetch(new URL(action, issuer).href, { method: 'POST', body: form })
  }
  throw new Error('sign-in flow did not reach the redirect URI')
}

async function redeemCode(
  tokenEndpoint: string,
  callback: URL,
  state: string,
  verifier: string,
  resource: string,
): Promise<string> {
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch')
  const code = callback.searchParams.get('code')
  if (code === null) throw new Error(`authorization failed: ${callback.search}`)
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: TEST_CLIENT_ID,
      redirect_uri: HELPER_REDIRECT_URI,
      code,
      code_verifier: verifier,
      resource,
    }),
  })
  const body = (await response.json()) as { access_token?: unknown }
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`)
  }
  return body.access_token
}

/** Just enough of a cookie jar for one host: name → value, honouring deletion. */
class CookieBrowser {
  readonly #cookies = new Map<string, string>()

  async fetch(url: string, init: { method?: string; body?: URLSearchParams } = {}) {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: cookie === '' ? {} : { cookie },
    })
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';')
      const [name = '', value = ''] = pair.trim().split(/=(.*)/s)
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a))
      if (expired || value === '') this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
    return response
  }
}
