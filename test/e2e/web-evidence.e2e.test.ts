// Needs GET /v1/requests/{id}/evidence, built on another branch (h/evidence): this file passes
// once that route is merged; before that the panel shows route.not_found and the test fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../src/app/reconcile-grants.js'
import { DESKTOP, screenshot, startWebWorld, type WebWorld } from '../support/web-world.js'

let web: WebWorld | null = null
let requestId = ''
beforeAll(async () => {
  web = await startWebWorld()
  if (!web) return
  const { world } = web
  const submitted = await world.as('alice').post('/v1/requests', {
    entitlementId: 'orders-write',
    justification: 'Fix stuck order 42 for the evidence test',
    duration: '30m',
  })
  requestId = submitted.body.request.id
  await world.as('olivia').post(`/v1/requests/${requestId}/reviews`, {
    verdict: 'approve',
    comment: 'ok for OPS-7',
    digest: submitted.body.request.digest,
  })
  await runDueWork(world.runtime.deps)
}, 120_000)
afterAll(async () => {
  await web?.close()
})

describe('web UI: evidence for one request in the audit explorer', () => {
  it('shows each step with its seq and hash, the review, and a download to verify offline', async (ctx) => {
    if (!web) return ctx.skip()
    const admin = await web.signIn(await web.browser.newContext({ viewport: DESKTOP }), 'admin')
    await admin.goto(`${web.url}/audit?requestId=${encodeURIComponent(requestId)}`)
    const panel = admin.getByTestId('evidence')
    await panel.getByRole('button', { name: 'Show evidence bundle' }).click()
    await expect.poll(() => panel.locator('tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(2)
    expect(await panel.locator('tbody tr').first().textContent()).toContain('request')
    expect(await panel.textContent()).toContain('olivia: approve')
    const download = admin.waitForEvent('download')
    await panel.getByRole('link', { name: 'Download the bundle (JSON)' }).click()
    expect((await download).suggestedFilename()).toBe(`evidence-${requestId}.json`)
    await screenshot(admin, 'evidence')
    expect(web.pageErrors).toEqual([])
  })
})
