import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { launchChromium } from './browser.js'
import { serveApp } from './serve-app.js'
import { startTestWorld, type TestWorld } from './test-runtime.js'

const run = promisify(execFile)
export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

/** The UI is a built artefact: build it when missing (CI builds first). */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync('web/dist/index.html')) return
  await run(process.execPath, [
    path.resolve('node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    'web/vite.config.ts',
    '--logLevel',
    'warn',
  ])
}

export interface WebWorld {
  world: TestWorld
  browser: Browser
  url: string
  /** Uncaught page errors and CSP violations seen so far; a test ends by expecting none. */
  pageErrors: string[]
  open(context: BrowserContext, who: string): Promise<Page>
  signIn(context: BrowserContext, who: string): Promise<Page>
  close(): Promise<void>
}

/**
 * The real runtime (fake clock, sample identities) served over real HTTP with the built UI, and a
 * real Chromium. The fake clock lets a test make a deadline pass without waiting for it.
 */
export async function startWebWorld(
  options: Parameters<typeof startTestWorld>[0] = {},
  /** A port chosen in advance, when something must know the UI's URL before it starts. */
  port = 0,
): Promise<WebWorld | null> {
  const browser = await launchChromium()
  if (!browser) return null
  await ensureWebBuilt()
  const world = await startTestWorld(options)
  const served = await serveApp(world.runtime.app, port)
  const pageErrors: string[] = []
  const open = async (context: BrowserContext, who: string) => {
    const page = await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(`${who}: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('Content Security Policy')) {
        pageErrors.push(`${who}: ${m.text()}`)
      }
    })
    return page
  }
  return {
    world,
    browser,
    url: served.url,
    pageErrors,
    open,
    async signIn(context, who) {
      const page = await open(context, who)
      await page.goto(`${served.url}/`)
      await page.getByLabel('API token').fill(world.tokens[who]!)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await expect.poll(() => page.getByTestId('whoami').textContent()).toBeTruthy()
      return page
    },
    async close() {
      await browser.close()
      await served.stop()
      await world.close()
    },
  }
}

/**
 * Writes a screenshot into docs/screenshots only when UPDATE_SCREENSHOTS=1: the top of the page,
 * or the part around `focus` when what the picture is for sits below the fold.
 */
export async function screenshot(page: Page, name: string, focus?: Locator): Promise<void> {
  if (!process.env.UPDATE_SCREENSHOTS) return
  if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'center' }))
  else await page.evaluate('window.scrollTo(0, 0)')
  await page.screenshot({ path: path.resolve('docs/screenshots', `${name}.png`) })
}
