import { access, constants } from 'node:fs/promises'
import { chromium, type Browser } from 'playwright-core'
import { isCi } from './services.js'

/** Debian's Chromium (`apt-get install chromium`); playwright-core never downloads a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// Headless and quiet: no sandbox (containers), no background traffic (the machine is offline).
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
]

/**
 * Launches Chromium, or returns null after a loud warning when it is not installed locally.
 * Under CI=true a missing browser fails instead of skipping. The caller closes the browser.
 */
export async function launchChromium(): Promise<Browser | null> {
  try {
    await access(CHROMIUM_PATH, constants.X_OK)
  } catch {
    const reason = `no Chromium at ${CHROMIUM_PATH}: install the chromium package or set CHROMIUM_PATH`
    if (isCi()) throw new Error(`CI=true and ${reason}`)
    console.warn(`\n!!! SKIPPING browser tests: ${reason} !!!\n`)
    return null
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS })
}
