import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderGovernanceReportHtml } from '../../../src/report/governance-html.js'
import { launchChromium } from '../../support/browser.js'
import { hostileReport } from '../../support/hostile-report.js'

/** The HTML report opened the way an auditor would: a local file, offline, in a real browser. */
describe('governance report HTML in Chromium', () => {
  let browser: Browser | null
  let dir: string

  beforeAll(async () => {
    browser = await launchChromium()
    dir = await mkdtemp(path.join(tmpdir(), 'hourglass-report-'))
  })
  afterAll(async () => {
    await browser?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('draws every chart from the embedded data, runs no user string, asks the network for nothing', async (ctx) => {
    if (!browser) {
      ctx.skip()
      return
    }
    const file = path.join(dir, 'report.html')
    await writeFile(file, renderGovernanceReportHtml(hostileReport()))
    const page = await browser.newPage()
    const problems: string[] = []
    const requests: string[] = []
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`)
    })
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`)
      void d.dismiss()
    })
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url())
    })
    await page.goto(pathToFileURL(file).href)
    // A string, not a function: the test project has no DOM types.
    const charts = await page.evaluate<
      Array<{ id: string; points: unknown[] | null }>
    >(`[...document.querySelectorAll('canvas')].map((c) => ({
      id: c.id,
      points: window.Chart?.getChart(c)?.data.datasets[0]?.data ?? null,
    }))`)
    expect(problems).toEqual([])
    expect(requests).toEqual([])
    expect(charts.map((c) => c.id)).toEqual([
      'chart-lag-histogram',
      'chart-denials',
      'chart-time-to-access',
      'chart-coverage',
    ])
    // 40, 400 and 4000 ms fall in the ≤ 50 ms, ≤ 500 ms and ≤ 5 s buckets.
    expect(charts[0]?.points).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    expect(charts[1]?.points).toEqual([1, 0, 0, 0])
    expect(charts[3]?.points).toEqual([3, 1])
    const text = await page.textContent('body')
    expect(text).toContain('</script><script>alert("entitlement")</script>')
    await page.close()
  })
})
