// Needs GET /v1/reports/governance, built on another branch (h/report): this file passes once
// that route is merged; before that the page shows route.not_found and the test fails loudly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../src/app/reconcile-grants.js'
import { DESKTOP, PHONE, screenshot, startWebWorld, type WebWorld } from '../support/web-world.js'

const CHARTS = [
  'chart-revocation-lag',
  'chart-requests',
  'chart-approval-latency',
  'chart-breakglass',
  'chart-exceptions',
  'chart-coverage',
]

let web: WebWorld | null = null
beforeAll(async () => {
  web = await startWebWorld()
  if (!web) return
  const { world } = web
  // The browser picks periods from its own clock (ending at real now): play the whole story in
  // the 40 minutes before it, so the issuance and the revocation fall inside the default period.
  world.clock.set(new Date(Date.now() - 40 * 60_000))
  const submitted = await world.as('alice').post('/v1/requests', {
    entitlementId: 'orders-write',
    justification: 'Fix stuck order 42 for the dashboard test',
    duration: '30m',
  })
  world.clock.advance(90_000)
  await world.as('olivia').post(`/v1/requests/${submitted.body.request.id}/reviews`, {
    verdict: 'approve',
    comment: 'ok for OPS-7',
    digest: submitted.body.request.digest,
  })
  await runDueWork(world.runtime.deps)
  world.clock.advance(31 * 60_000)
  await runDueWork(world.runtime.deps)
}, 120_000)
afterAll(async () => {
  await web?.close()
})

describe('web UI: the outcomes dashboard', () => {
  it('charts each outcome with a data table under it, for a chosen period', async (ctx) => {
    if (!web) return ctx.skip()
    const { browser, url } = web
    const admin = await web.signIn(await browser.newContext({ viewport: DESKTOP }), 'admin')
    await admin.goto(`${url}/outcomes`)
    await expect.poll(() => admin.getByTestId('report-period').count(), { timeout: 10_000 }).toBe(1)
    for (const id of CHARTS) {
      const figure = admin.getByTestId(id)
      expect(await figure.locator('canvas').count()).toBe(1)
      // The same numbers are in a real table for screen readers.
      expect(await figure.locator('table tbody tr').count()).toBeGreaterThan(0)
    }
    const requests = admin.getByTestId('chart-requests')
    const cell = (label: string) =>
      requests.locator('tr', { has: admin.getByRole('rowheader', { name: label, exact: true }) }).locator('td')
    expect(await cell('Submitted').textContent()).toBe('1')
    expect(await cell('Granted').textContent()).toBe('1')
    const latency = admin.getByTestId('chart-approval-latency')
    expect(await latency.locator('td').first().textContent()).toBe('1.5 min')
    await screenshot(admin, 'outcomes')

    // A preset asks the server for that period.
    const asked = admin.waitForRequest((r) => r.url().includes('/v1/reports/governance'))
    await admin.getByRole('button', { name: 'Last 7 days' }).click()
    const query = new URL((await asked).url()).searchParams
    const days = (Date.parse(query.get('to')!) - Date.parse(query.get('from')!)) / 86_400_000
    expect(Math.round(days)).toBe(7)

    // A reversed range is the server's to refuse, with its code.
    await admin.getByLabel('From').fill('2026-12-31')
    await admin.getByLabel('To').fill('2026-01-01')
    await expect
      .poll(() => admin.locator('[data-error-code]').getAttribute('data-error-code'))
      .toBe('input.invalid')

    const phone = await web.signIn(await browser.newContext({ viewport: PHONE }), 'admin')
    await phone.goto(`${url}/outcomes`)
    await expect.poll(() => phone.getByTestId('chart-coverage').isVisible()).toBe(true)
    await screenshot(phone, 'phone-outcomes')
    expect(web.pageErrors).toEqual([])
  })
})
