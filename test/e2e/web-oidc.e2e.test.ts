import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOidcIssuer, TEST_ACCOUNT_PASSWORD, type OidcIssuer } from '../support/oidc-issuer.js'
import { freePort } from '../support/services.js'
import { DESKTOP, screenshot, startWebWorld, type WebWorld } from '../support/web-world.js'

let issuer: OidcIssuer | null = null
let web: WebWorld | null = null
let url = ''

beforeAll(async () => {
  // The issuer must know the UI's redirect URI and the UI the issuer's URL: fix the port first.
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  const oidc = await startOidcIssuer({
    redirectUris: [`${url}/auth/callback`],
    postLogoutRedirectUris: [`${url}/`],
  })
  issuer = oidc
  web = await startWebWorld(
    {
      config: {
        oidc: {
          issuer: oidc.issuer,
          audience: oidc.audience,
          webClientId: oidc.clientId,
          webScopes: 'openid api',
        },
      },
    },
    port,
  )
  if (!web) return
  const store = web.world.runtime.deps.store
  const alice = (await store.identities.get('alice'))!
  await store.identities.update(
    { ...alice, oidcIssuer: oidc.issuer, oidcSubject: 'alice', version: alice.version + 1 },
    alice.version,
  )
}, 120_000)
afterAll(async () => {
  await web?.close()
  await issuer?.stop()
})

const storage = (page: Page) =>
  page.evaluate<string>('JSON.stringify(Object.entries(sessionStorage))')

/** Fills the issuer's own login and consent forms, as a person would. */
async function signInAtIssuer(page: Page, issuer: OidcIssuer): Promise<void> {
  await page.getByRole('button', { name: 'Sign in with SSO' }).click()
  await page.waitForURL((u) => u.href.startsWith(issuer.issuer))
  await page.locator('input[name=login]').fill('alice')
  await page.locator('input[name=password]').fill(TEST_ACCOUNT_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  // First sign-in: the issuer asks for consent once.
  await page.waitForURL((u) => u.href.startsWith(url) || u.pathname.startsWith('/interaction/'))
  if (page.url().startsWith(issuer.issuer)) await page.getByRole('button', { name: 'Continue' }).click()
}

describe('web UI: single sign-on with authorization code + PKCE against a real issuer', () => {
  it('alice signs in at the issuer, survives a reload, and signing out ends both sessions', async (ctx) => {
    if (!web || !issuer) return ctx.skip()
    const context = await web.browser.newContext({ viewport: DESKTOP })
    const page = await web.open(context, 'alice')
    await page.goto(`${url}/`)
    await expect.poll(() => page.getByRole('button', { name: 'Sign in with SSO' }).isEnabled()).toBe(true)
    await screenshot(page, 'sign-in-sso')

    // The authorization request carries PKCE S256, a state and a nonce.
    const oidcOrigin = issuer.issuer
    const authEndpoint = `${issuer.issuer}/auth`
    const authorize = page.waitForRequest((r) => r.url().startsWith(authEndpoint))
    const signedIn = signInAtIssuer(page, issuer)
    const sent = new URL((await authorize).url())
    expect(sent.searchParams.get('code_challenge_method')).toBe('S256')
    expect(sent.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(sent.searchParams.get('state')).toMatch(/^[\w-]{20,}$/)
    expect(sent.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/)
    expect(sent.searchParams.get('client_id')).toBe('hourglass-web')
    await signedIn

    await expect.poll(() => page.getByTestId('whoami').textContent()).toBe('Alice Engineer')
    expect(new URL(page.url()).pathname).toBe('/mine')
    // The token is the issuer's JWT, kept in this tab's sessionStorage; the app sets no cookie.
    const token = await page.evaluate<string>("sessionStorage.getItem('hourglass.token')")
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    // Cookies are per host, not per port: the only ones here are the issuer's own session.
    const cookies = await context.cookies(url)
    expect(cookies.map((c) => c.name).filter((n) => !/^_(session|interaction)/.test(n))).toEqual([])
    expect(cookies.some((c) => c.value.includes(token.slice(-20)))).toBe(false)
    const me = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(await me.json()).toMatchObject({ id: 'alice' })

    await page.reload()
    await expect.poll(() => page.getByTestId('whoami').textContent()).toBe('Alice Engineer')

    // Sign out: the token goes, and the issuer's end-session is called.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL((u) => u.href.startsWith(oidcOrigin))
    await page.getByRole('button', { name: 'Yes, sign me out' }).click()
    await page.waitForURL(`${url}/`)
    await expect.poll(() => page.getByRole('button', { name: 'Sign in with SSO' }).count()).toBe(1)
    expect(JSON.parse(await storage(page))).toEqual([])
    // The issuer forgot alice too: the next SSO sign-in asks for the password again.
    await page.getByRole('button', { name: 'Sign in with SSO' }).click()
    await expect.poll(() => page.locator('input[name=password]').count()).toBe(1)
    await context.close()
  })

  it('refuses a callback whose state this tab did not send, with a clear message', async (ctx) => {
    if (!web) return ctx.skip()
    const context = await web.browser.newContext({ viewport: DESKTOP })
    const page = await web.open(context, 'forger')
    await page.goto(`${url}/auth/callback?code=stolen-code&state=forged-state`)
    const alert = page.locator('[data-error-code]')
    await expect.poll(() => alert.getAttribute('data-error-code')).toBe('client.oidc_state_mismatch')
    expect(await alert.textContent()).toContain('state mismatch')
    // The code is gone from the address bar, and nothing was stored.
    expect(new URL(page.url()).search).toBe('')
    expect(JSON.parse(await storage(page))).toEqual([])
    expect(web.pageErrors).toEqual([])
    await context.close()
  })
})
