import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser.js'
import { freePort } from '../support/services.js'

const run = promisify(execFile)
const BIN = path.resolve('bin/hourglass.js')
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
// The grant's whole life is watched in the browser, so it must be short but outlast steps 3–6.
const GRANT_DURATION = '20s'
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/

/** The UI and the server are built artefacts; build them only when missing (CI builds first). */
async function ensureBuilt(): Promise<void> {
  // web-ui.js marks a server build recent enough to serve web/dist.
  if (!existsSync('dist/http/web-ui.js')) await run('npm', ['run', 'build', '--silent'])
  if (!existsSync('web/dist/index.html')) {
    await run(process.execPath, [
      path.resolve('node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ])
  }
}

describe('web UI: a real browser against the real server process', () => {
  let browser: Browser | null = null
  let server: ChildProcess | null = null
  let dataDir = ''
  let url = ''
  let shots = ''
  const tokens: Record<string, string> = {}
  const pageErrors: string[] = []
  let alice: Page
  let olivia: Page
  let requestId = ''

  async function signIn(context: BrowserContext, who: string): Promise<Page> {
    const page = await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(`${who}: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('Content Security Policy')) {
        pageErrors.push(`${who}: ${m.text()}`)
      }
    })
    await page.goto(`${url}/`)
    await page.getByLabel('API token').fill(tokens[who]!)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expect.poll(() => page.getByTestId('whoami').textContent()).toBeTruthy()
    return page
  }

  async function submitRequest(page: Page, entitlement: string, duration: string): Promise<void> {
    await page.goto(`${url}/request`)
    await page.locator(`input[name=entitlement][value="${entitlement}"]`).check()
    await page.getByLabel('Justification').fill('Fix stuck order 42 for customer (OPS-7)')
    await page.getByLabel('Duration', { exact: true }).fill(duration)
    await page.getByRole('button', { name: 'Submit request' }).click()
  }

  async function shot(page: Page, name: string): Promise<void> {
    // Page code runs in the browser; as strings it needs no DOM typings in the Node program.
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: path.join(shots, `${name}.png`) })
  }

  beforeAll(async () => {
    browser = await launchChromium()
    if (!browser) return
    await ensureBuilt()
    dataDir = await mkdtemp(path.join(tmpdir(), 'hourglass-web-'))
    // Screenshots refresh the docs only on request, so ordinary test runs leave the tree clean.
    shots = process.env.UPDATE_SCREENSHOTS ? path.resolve('docs/screenshots') : dataDir
    await mkdir(shots, { recursive: true })
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    const env = {
      ...process.env,
      HOURGLASS_DATA_DIR: dataDir,
      HOURGLASS_PORT: String(port),
      HOURGLASS_URL: url,
      HOURGLASS_LOG_LEVEL: 'warn',
      HOURGLASS_SWEEP_INTERVAL_MS: '500',
    }
    const init = await run('node', [BIN, 'init'], { env })
    for (const m of init.stdout.matchAll(/^\s+(\S+)\s+(hgt_\S+)$/gm)) tokens[m[1]!] = m[2]!
    expect(Object.keys(tokens)).toEqual(expect.arrayContaining(['alice', 'olivia', 'admin']))
    server = spawn('node', [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    await new Promise<void>((resolve, reject) => {
      let out = ''
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('listening')) resolve()
      })
      server!.stderr!.on('data', (d: Buffer) => {
        out += d.toString()
      })
      server!.once('exit', (code) => {
        reject(new Error(`server exited ${code}: ${out}`))
      })
    })
  }, 110_000)

  afterAll(async () => {
    await browser?.close()
    if (server && server.exitCode === null) {
      server.kill('SIGTERM')
      await new Promise((r) => server!.once('exit', r))
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('1. alice signs in and asks for orders-write; it is pending with olivia named', async (ctx) => {
    if (!browser) return ctx.skip()
    const context = await browser.newContext({ viewport: DESKTOP })
    const signInPage = await context.newPage()
    await signInPage.goto(`${url}/`)
    await expect.poll(() => signInPage.getByLabel('API token').isVisible()).toBe(true)
    await shot(signInPage, 'sign-in')
    await signInPage.close()

    alice = await signIn(context, 'alice')
    await alice.goto(`${url}/request`)
    await alice.locator('input[name=entitlement][value="orders-write"]').check()
    await alice.getByLabel('Justification').fill('Fix stuck order 42 for customer (OPS-7)')
    await alice.getByLabel('Duration', { exact: true }).fill(GRANT_DURATION)
    await expect.poll(() => alice.getByText('Maximum for this entitlement: 8h').count()).toBe(1)
    await shot(alice, 'request-form')
    await alice.getByRole('button', { name: 'Submit request' }).click()

    const result = alice.getByTestId('submit-result')
    await result.waitFor()
    expect(await result.textContent()).toContain('pending')
    expect(await alice.getByTestId('eligible-reviewers').textContent()).toBe('olivia')
    requestId = (await result.getAttribute('data-request-id'))!

    await alice.goto(`${url}/mine`)
    const card = alice.locator(`article.request[data-request-id="${requestId}"]`)
    await expect.poll(() => card.getAttribute('data-state')).toBe('pending')
    expect(await card.getByTestId('waiting-for').textContent()).toBe('olivia')
    // Nobody reviews their own request: no review buttons in "My access".
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0)
  })

  it('2. olivia, in a second browser context, approves it from her inbox', async (ctx) => {
    if (!browser) return ctx.skip()
    const context = await browser.newContext({ viewport: DESKTOP })
    olivia = await signIn(context, 'olivia')
    await olivia.goto(`${url}/reviews`)
    const item = olivia.locator(`article.review[data-request-id="${requestId}"]`)
    await item.waitFor()
    expect(await item.textContent()).toContain('Fix stuck order 42')
    await expect
      .poll(() => item.getByTestId('approvals-remaining').textContent())
      .toContain('1 of 1')
    await item.getByLabel('Comment for the record').fill('Looks right, go ahead')
    await shot(olivia, 'review-inbox')
    await item.getByRole('button', { name: 'Approve' }).click()
    const outcome = olivia.getByTestId('review-outcome')
    await outcome.waitFor()
    expect(await outcome.textContent()).toContain('approved')
  })

  it('3. alice sees the grant active with a countdown and gets the credential exactly once', async (ctx) => {
    if (!browser) return ctx.skip()
    const grant = alice.locator('article.grant[data-state="active"]')
    await grant.waitFor({ timeout: 10_000 })
    const countdown = grant.getByTestId('countdown')
    const first = await countdown.textContent()
    expect(first).toMatch(/^\d+s$/)
    await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(first)
    await shot(alice, 'my-grants')

    await grant.getByRole('button', { name: 'Show credential once' }).click()
    const credential = grant.getByTestId('credential')
    await credential.waitFor()
    expect(await credential.inputValue()).toMatch(JWT)
    expect(await grant.textContent()).toContain('will not be shown again')

    await grant.getByRole('button', { name: 'Hide' }).click()
    await grant.getByRole('button', { name: 'Show credential once' }).click()
    await grant.locator('[data-error-code="grant.credential_unavailable"]').waitFor()
    expect(await grant.getByTestId('credential').count()).toBe(0)
  })

  it('5. reviewing her own request by URL shows the server refusing with review.self_review_forbidden', async (ctx) => {
    if (!browser) return ctx.skip()
    await submitRequest(alice, 'orders-write', '1h')
    const result = alice.getByTestId('submit-result')
    await result.waitFor()
    const own = (await result.getAttribute('data-request-id'))!
    await alice.goto(`${url}/reviews/${own}`)
    const card = alice.locator(`article.review[data-request-id="${own}"]`)
    await card.getByRole('button', { name: 'Approve' }).click()
    const refusal = alice.locator('[data-error-code="review.self_review_forbidden"]')
    await refusal.waitFor()
    expect(await refusal.textContent()).toContain('review.self_review_forbidden')
  })

  it('6. asking for more than the maximum shows grant.window_exceeds_policy', async (ctx) => {
    if (!browser) return ctx.skip()
    await submitRequest(alice, 'orders-write', '9h')
    const refusal = alice.locator('[data-error-code="grant.window_exceeds_policy"]')
    await refusal.waitFor()
    expect(await refusal.textContent()).toContain('exceeds')
    expect(await alice.getByTestId('submit-result').count()).toBe(0)
  })

  it('the audit explorer shows the chain head and events to an admin', async (ctx) => {
    if (!browser) return ctx.skip()
    const context = await browser.newContext({ viewport: DESKTOP })
    const admin = await signIn(context, 'admin')
    await admin.goto(`${url}/audit?requestId=${requestId}`)
    await admin.getByTestId('chain-head').waitFor()
    expect(await admin.getByTestId('chain-head').textContent()).toMatch(/seq \d+/)
    expect(await admin.getByTestId('chain-checkpoints').textContent()).toMatch(/^\d+/)
    await admin.locator('tr[data-seq]').first().waitFor()
    expect(await admin.locator('table').textContent()).toContain('review.recorded')
    await shot(admin, 'audit-explorer')
    await context.close()
  })

  it('4. after expiry alice sees the grant revoked and verified gone, without reloading', async (ctx) => {
    if (!browser) return ctx.skip()
    await alice.goto(`${url}/mine`)
    await alice.setViewportSize(PHONE)
    await alice.locator('article.grant').first().waitFor()
    await shot(alice, 'phone-my-access')
    await alice.setViewportSize(DESKTOP)
    // A marker that a reload would wipe: the change below must arrive by polling alone.
    await alice.evaluate('window.stillSamePage = true')
    const card = alice.locator(`article.request[data-request-id="${requestId}"]`)
    const verified = card.locator('[data-step="verified"]')
    await expect
      .poll(() => verified.getAttribute('data-status'), { timeout: 40_000, interval: 500 })
      .toBe('done')
    expect(await verified.textContent()).toContain('gone')
    expect(await card.locator('[data-step="revoked"]').textContent()).toContain('expired')
    expect(await alice.getByTestId('revoked-summary').first().textContent()).toContain('gone')
    expect(await alice.evaluate("'stillSamePage' in window")).toBe(true)
  }, 50_000)

  it('signing out forgets the token; nothing lands in localStorage or cookies', async (ctx) => {
    if (!browser) return ctx.skip()
    await alice.getByRole('button', { name: 'Sign out' }).click()
    await alice.getByLabel('API token').waitFor()
    const stored = await alice.evaluate(
      '({ session: sessionStorage.length, local: localStorage.length, cookie: document.cookie })',
    )
    expect(stored).toEqual({ session: 0, local: 0, cookie: '' })
    await olivia.context().close()
    expect(pageErrors).toEqual([])
  })
})
