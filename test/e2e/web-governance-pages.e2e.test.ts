import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, screenshot, startWebWorld, type WebWorld } from '../support/web-world.js'

let web: WebWorld | null = null
beforeAll(async () => {
  web = await startWebWorld()
}, 120_000)
afterAll(async () => {
  await web?.close()
})

describe('web UI: findings, exceptions and the NHI inventory', () => {
  it('an admin accepts a finding with a reason and a bounded expiry', async (ctx) => {
    if (!web) return ctx.skip()
    const { world, browser, url } = web
    // Reconciliation's output, seeded: what the page shows and sends is under test here.
    const now = world.clock.now()
    await world.runtime.deps.store.findings.insert({
      id: 'fnd_shadow1',
      targetId: 'orders-api',
      kind: 'shadow',
      key: 'role:legacy_batch',
      principal: 'legacy_batch',
      grantId: null,
      details: { privileges: ['orders:write'] },
      state: 'open',
      firstSeenAt: now,
      lastSeenAt: now,
      resolvedAt: null,
      resolution: null,
      acceptedBy: null,
      acceptReason: null,
      acceptedUntil: null,
      version: 1,
    })
    const admin = await web.signIn(await browser.newContext({ viewport: DESKTOP }), 'admin')
    await admin.goto(`${url}/findings`)
    const card = admin.locator('article[data-finding-id="fnd_shadow1"]')
    await expect.poll(() => card.count()).toBe(1)
    await screenshot(admin, 'findings')

    await card.getByLabel('Reason for accepting').fill('Legacy batch job, retired with OPS-9')
    await card.getByLabel('Accept for').fill('120d')
    await card.getByRole('button', { name: 'Accept finding' }).click()
    // Past the 90-day bound: the server refuses and the page shows its code.
    await expect.poll(() => card.locator('[data-error-code]').count()).toBe(1)
    expect(await card.locator('[data-error-code]').getAttribute('data-error-code')).toBe('input.invalid')

    await card.getByLabel('Accept for').fill('30d')
    await card.getByRole('button', { name: 'Accept finding' }).click()
    await expect.poll(() => admin.getByText('No open findings').count()).toBe(1)
    const stored = await world.runtime.deps.store.findings.get('fnd_shadow1')
    expect(stored).toMatchObject({ state: 'accepted', acceptedBy: 'admin' })
    await admin.getByRole('button', { name: 'accepted', exact: true }).click()
    await expect.poll(() => admin.locator('article[data-state="accepted"]').count()).toBe(1)

    // Not an admin: the server's code, not a blank page.
    const alice = await web.signIn(await browser.newContext({ viewport: DESKTOP }), 'alice')
    await alice.goto(`${url}/findings`)
    await expect
      .poll(() => alice.locator('[data-error-code]').getAttribute('data-error-code'))
      .toBe('auth.forbidden')
  })

  it('an admin creates an exception and revokes it', async (ctx) => {
    if (!web) return ctx.skip()
    const { browser, url } = web
    const admin = await web.signIn(await browser.newContext({ viewport: DESKTOP }), 'admin')
    await admin.goto(`${url}/exceptions`)
    await expect.poll(() => admin.getByText('No active exceptions').count()).toBe(1)
    const form = admin.getByRole('form', { name: 'New exception' })
    await form.getByLabel('Identity id').fill('alice')
    await form.getByLabel('Entitlement id').fill('orders-write')
    await form.getByLabel('Reason').fill('Quarter-end close needs alice on orders without review')
    await form.getByLabel('Lasts for').fill('7d')
    await form.getByRole('button', { name: 'Approve exception' }).click()
    const card = admin.locator('article[data-exception-id][data-state="active"]')
    await expect.poll(() => card.count()).toBe(1)
    expect(await card.textContent()).toContain('identity alice · entitlement orders-write')
    await screenshot(admin, 'exceptions')

    await card.getByLabel('Reason for revoking').fill('Close finished early')
    await card.getByRole('button', { name: 'Revoke exception' }).click()
    await expect.poll(() => admin.getByText('No active exceptions').count()).toBe(1)
    await admin.getByRole('button', { name: 'all', exact: true }).click()
    await expect.poll(() => admin.locator('article[data-exception-id]').count()).toBe(1)
    expect(await admin.locator('article[data-exception-id]').getAttribute('data-state')).not.toBe('active')
  })

  it('the NHI inventory shows owners; an admin transfers one', async (ctx) => {
    if (!web) return ctx.skip()
    const { browser, url } = web
    const admin = await web.signIn(await browser.newContext({ viewport: DESKTOP }), 'admin')
    await admin.goto(`${url}/nhis`)
    const card = admin.locator('article[data-nhi-id="ci-deployer"]')
    await expect.poll(() => card.getByTestId('nhi-owner').textContent()).toBe('alice (active)')
    await screenshot(admin, 'nhis')
    await card.getByLabel('New owner (identity id)').fill('bob')
    await card.getByRole('button', { name: 'Transfer ownership' }).click()
    await expect.poll(() => card.getByTestId('nhi-owner').textContent()).toBe('bob (active)')
    expect(web.pageErrors).toEqual([])
  })
})
