import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../src/app/reconcile-grants.js'
import { DESKTOP, screenshot, startWebWorld, type WebWorld } from '../support/web-world.js'

const REASON = 'Orders API rejects every checkout; need write access to drain the queue'
const DAY = 86_400_000

let web: WebWorld | null = null
beforeAll(async () => {
  web = await startWebWorld()
}, 120_000)
afterAll(async () => {
  await web?.close()
})

describe('web UI: break-glass and its post-use review', () => {
  it('bob breaks glass, sees the credential; sam reviews it in another browser context', async (ctx) => {
    if (!web) return ctx.skip()
    const { world, browser, url } = web
    const bob = await web.signIn(await browser.newContext({ viewport: DESKTOP }), 'bob')
    await bob.goto(`${url}/break-glass`)
    await expect.poll(() => bob.getByText('Emergency path.').count()).toBe(1)

    // The server's codes come through: no incident reference is refused by the server, not the UI.
    await bob.getByLabel('Entitlement').selectOption('orders-write')
    await expect.poll(() => bob.getByText(/Its owners \(olivia\)/).count()).toBe(1)
    await bob.getByLabel('Incident reference').fill('not a ref!')
    await bob.getByLabel('Reason').fill(REASON)
    await bob.getByLabel('Duration (optional)').fill('4h')
    await bob.getByLabel(/I understand/).check()
    await bob.getByRole('button', { name: 'Break glass now' }).click()
    await expect
      .poll(() => bob.locator('[data-error-code]').getAttribute('data-error-code'))
      .toBe('breakglass.incident_required')

    await bob.getByLabel('Incident reference').fill('INC-42')
    await screenshot(bob, 'break-glass')
    await bob.getByRole('button', { name: 'Break glass now' }).click()
    await expect.poll(() => bob.getByTestId('bg-notified').textContent()).toBe('olivia, sam')
    // Asked 4h, capped by the policy's hour: the server clamps, the page says what was granted.
    await expect.poll(() => bob.getByText('Granted for 1h').count()).toBe(1)
    expect(await bob.getByTestId('bg-review-due').textContent()).toBeTruthy()

    await runDueWork(world.runtime.deps)
    await bob.getByRole('button', { name: 'Show credential once' }).click({ timeout: 10_000 })
    await expect.poll(async () => (await bob.getByTestId('credential').inputValue()).length).toBeGreaterThan(10)
    // Bob's own use is in his queue, without review buttons.
    const mine = bob.locator('article.postuse')
    await expect.poll(() => mine.count()).toBe(1)
    expect(await mine.getByRole('button', { name: 'Justified', exact: true }).count()).toBe(0)

    const sam = await web.signIn(await browser.newContext({ viewport: DESKTOP }), 'sam')
    await sam.goto(`${url}/break-glass`)
    const card = sam.locator('article.postuse[data-state="pending"]')
    await expect.poll(() => card.count()).toBe(1)
    await card.getByLabel('Comment for the record').fill('INC-42 confirmed by the on-call lead')
    await card.getByRole('button', { name: 'Justified', exact: true }).click()
    await expect.poll(() => sam.locator('article.postuse[data-state="done"]').count()).toBe(1)
    expect(await sam.locator('article.postuse[data-state="done"]').textContent()).toContain(
      'justified by sam',
    )
  })

  it('an overdue review is highlighted and announced in words', async (ctx) => {
    if (!web) return ctx.skip()
    const { world, browser, url } = web
    const used = await world.as('bob').post('/v1/breakglass', {
      entitlementId: 'payments-refund',
      incidentRef: 'INC-43',
      reason: REASON,
    })
    expect(used.status).toBe(201)
    world.clock.advance(DAY + 60_000)

    const sam = await web.signIn(await browser.newContext({ viewport: DESKTOP }), 'sam')
    await sam.goto(`${url}/break-glass`)
    const overdue = sam.locator('article.postuse[data-state="overdue"]')
    await expect.poll(() => overdue.count()).toBe(1)
    expect(await overdue.getAttribute('class')).toContain('postuse-overdue')
    expect(await overdue.textContent()).toContain('Review overdue')
    const summary = sam.getByTestId('overdue-summary')
    expect(await summary.getAttribute('role')).toBe('status')
    expect(await summary.textContent()).toBe('1 overdue review: review now.')
    await screenshot(sam, 'break-glass-queue')
    expect(web.pageErrors).toEqual([])
  })
})
