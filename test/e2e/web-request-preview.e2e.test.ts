import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, screenshot, startWebWorld, type WebWorld } from '../support/web-world.js'

let web: WebWorld | null = null
beforeAll(async () => {
  web = await startWebWorld()
}, 120_000)
afterAll(async () => {
  await web?.close()
})

describe('web UI: what happens if you submit', () => {
  it('shows the required approvers before submit, and submitting agrees', async (ctx) => {
    if (!web) return ctx.skip()
    const { store } = web.world.runtime.deps
    const alice = await web.signIn(await web.browser.newContext({ viewport: DESKTOP }), 'alice')
    await alice.goto(`${web.url}/request`)
    const summary = alice.getByTestId('preview-summary')

    await alice.locator('input[name=entitlement][value="orders-read"]').check()
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toContain('Auto-approved')

    await alice.locator('input[name=entitlement][value="payments-refund"]').check()
    await alice.getByLabel('Ticket reference').fill('OPS-7')
    await alice.getByLabel('Duration', { exact: true }).fill('45m')
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toContain('Needs 2 approvals')
    const text = (await summary.textContent()) ?? ''
    expect(text).toContain('an owner and a member of security')
    expect(await alice.getByTestId('preview-reviewers').textContent()).toBe(
      'Paul Payments-Owner (paul), Sam Security (sam)',
    )
    expect(await summary.getAttribute('aria-live')).toBe('polite')
    // Looking is free: nothing was recorded by the previews.
    expect(await store.requests.list({ limit: 100 })).toEqual([])

    await alice.getByLabel('Duration', { exact: true }).fill('3h')
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toContain('maximum of 1h')
    await alice.getByLabel('Duration', { exact: true }).fill('45m')
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toContain('Needs 2 approvals')
    await screenshot(alice, 'request-preview', summary)

    await alice.getByLabel('Justification').fill('Refund a double charge for customer (OPS-7)')
    await alice.getByRole('button', { name: 'Submit request' }).click()
    await expect.poll(() => alice.getByTestId('eligible-reviewers').textContent(), { timeout: 10_000 }).toBe(
      'paul, sam',
    )
    expect(web.pageErrors).toEqual([])
  })
})
