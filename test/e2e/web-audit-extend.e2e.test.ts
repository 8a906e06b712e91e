import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDueWork } from '../../src/app/reconcile-grants.js'
import { DESKTOP, startWebWorld, type WebWorld } from '../support/web-world.js'

const HOUR = 3_600_000

interface EventRow {
  seq: number
  at: string
  actor: string
}

let web: WebWorld | null = null
let grantId = ''
let windowStart = ''
let windowEnd = ''
let inWindow: EventRow[] = []

beforeAll(async () => {
  web = await startWebWorld()
  if (!web) return
  const { world } = web
  const submitted = await world.as('alice').post('/v1/requests', {
    entitlementId: 'orders-write',
    justification: 'Fix stuck order 42 for the extend test',
    duration: '2h',
  })
  expect(submitted.status).toBe(201)
  // An hour apart, so a time window can hold olivia's review and the issuance but not the submit.
  world.clock.advance(HOUR)
  windowStart = world.clock.now().toISOString()
  const reviewed = await world
    .as('olivia')
    .post(`/v1/requests/${submitted.body.request.id}/reviews`, {
      verdict: 'approve',
      comment: 'ok for OPS-7',
      digest: submitted.body.request.digest,
    })
  expect(reviewed.status).toBeLessThan(300)
  await runDueWork(world.runtime.deps)
  world.clock.advance(HOUR)
  windowEnd = world.clock.now().toISOString()
  const grants = await world.as('alice').get('/v1/grants')
  grantId = grants.body.items.find((g: { state: string }) => g.state === 'active').id
  const all = await world.as('admin').get('/v1/audit/events?limit=5000')
  inWindow = (all.body.items as EventRow[]).filter((e) => e.at >= windowStart && e.at < windowEnd)
  // Otherwise the window filter could pass by showing everything.
  expect(inWindow.length).toBeLessThan(all.body.items.length)
}, 120_000)
afterAll(async () => {
  await web?.close()
})

/** `datetime-local` wants wall-clock seconds; the context runs in UTC so that is the ISO prefix. */
const localInput = (iso: string) => iso.slice(0, 19)

describe('web UI: audit filters by actor and time; extend and cancel from My access', () => {
  it('filters the audit explorer by actor and by a time window, and keeps both in the URL', async (ctx) => {
    if (!web) return ctx.skip()
    expect(inWindow.length).toBeGreaterThan(0)
    const context = await web.browser.newContext({ viewport: DESKTOP, timezoneId: 'UTC' })
    const admin = await web.signIn(context, 'admin')
    await admin.goto(`${web.url}/audit`)
    await admin.getByLabel('Actor').fill('olivia')
    await admin.getByLabel('Actor').press('Enter')
    await expect.poll(() => new URL(admin.url()).searchParams.get('actor')).toBe('olivia')
    const rows = admin.locator('tbody tr[data-seq]')
    await expect.poll(() => rows.count()).toBeGreaterThan(0)
    const actors = await rows.locator('td:nth-child(4)').allTextContents()
    expect(new Set(actors)).toEqual(new Set(['olivia']))

    await admin.getByRole('button', { name: 'Clear' }).click()
    await admin.getByLabel('From (local time, inclusive)').fill(localInput(windowStart))
    await admin.getByLabel('To (local time, exclusive)').fill(localInput(windowEnd))
    await admin.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => new URL(admin.url()).searchParams.get('from')).toBe(windowStart)
    expect(new URL(admin.url()).searchParams.get('to')).toBe(windowEnd)
    await expect
      .poll(async () =>
        (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-seq')))).map(Number),
      )
      .toEqual(inWindow.map((e) => e.seq))

    // A reload reads the filter back from the URL into the fields.
    await admin.reload()
    await expect
      .poll(async () => {
        // Chromium drops ':00' seconds from the value, so compare instants, not strings.
        const value = await admin.getByLabel('From (local time, inclusive)').inputValue()
        return value ? new Date(`${value}Z`).toISOString() : ''
      })
      .toBe(windowStart)
    // The fields fill before the events arrive: wait for the rows, do not sample them once.
    await expect.poll(() => rows.count()).toBe(inWindow.length)

    // The server, not the UI, refuses a window that ends before it starts.
    await admin.goto(
      `${web.url}/audit?from=${encodeURIComponent(windowEnd)}&to=${encodeURIComponent(windowStart)}`,
    )
    await expect
      .poll(() => admin.locator('[data-error-code]').getAttribute('data-error-code'))
      .toBe('input.invalid')
    expect(web.pageErrors).toEqual([])
  })

  it('extends an active grant into a new pending request, then cancels that request', async (ctx) => {
    if (!web) return ctx.skip()
    const alice = await web.signIn(await web.browser.newContext({ viewport: DESKTOP }), 'alice')
    await alice.goto(`${web.url}/mine`)
    const card = alice.locator(`article[data-grant-id="${grantId}"]`)
    await card.getByRole('button', { name: 'Extend…' }).click()
    const form = card.getByRole('form', { name: `Extend grant ${grantId}` })
    await form.getByLabel('Duration', { exact: true }).fill('1h')
    await form.getByLabel('Why do you need more time?').fill('short')
    await form.getByRole('button', { name: 'Request extension' }).click()
    // The browser's own minlength check keeps a too-short reason from ever leaving.
    expect(await card.getByTestId('extend-outcome').count()).toBe(0)
    await form
      .getByLabel('Why do you need more time?')
      .fill('Queue drain is taking longer than planned (OPS-7)')
    await form.getByRole('button', { name: 'Request extension' }).click()
    const outcome = card.getByTestId('extend-outcome')
    await expect.poll(() => outcome.count()).toBe(1)
    expect(await outcome.locator('[data-state]').getAttribute('data-state')).toBe('pending')
    const newId = (await outcome.locator('code').textContent()) ?? ''
    expect(newId).toMatch(/\S/)

    const pending = alice.locator(`article.request[data-request-id="${newId}"]`)
    await expect.poll(() => pending.getAttribute('data-state')).toBe('pending')
    await pending.getByRole('button', { name: 'Cancel request' }).click()
    await expect
      .poll(() => pending.getByTestId('cancel-outcome').textContent())
      .toContain('cancelled')
    await expect.poll(() => pending.getAttribute('data-state')).toBe('cancelled')
    const after = await web.world.as('alice').get(`/v1/requests/${newId}`)
    expect(after.body.state).toBe('cancelled')

    // Cancelling twice is refused: the request really left pending on the server.
    const again = await web.world.as('alice').post(`/v1/requests/${newId}/cancel`, {})
    expect(again.status).toBeGreaterThanOrEqual(400)
    expect(web.pageErrors).toEqual([])
  })
})
