import { describe, expect, it } from 'vitest'
import { embeddedReport, HOSTILE, hostileReport } from '../../test/support/hostile-report.js'
import { escapeHtml, htmlDocument, jsonForScript } from './html-document.js'
import { renderGovernanceReportHtml } from './governance-html.js'
import { renderGovernanceReportText } from './governance-text.js'

describe('governance report HTML', () => {
  const report = hostileReport()
  const html = renderGovernanceReportHtml(report)

  it('embeds the report as JSON that parses back to the same report', () => {
    expect(embeddedReport(html)).toEqual(report)
  })

  it('inlines chart.js and references nothing outside the file', () => {
    expect(html.includes('Chart.js v4.6.1')).toBe(true)
    expect(/<script[^>]*\ssrc=/i.test(html)).toBe(false)
    expect(/<link\b/i.test(html)).toBe(false)
    expect(html.includes("default-src 'none'")).toBe(true)
    // Data, chart.js, page code: three script elements, and the hostile strings opened none.
    expect(html.match(/<script\b/gi)).toHaveLength(3)
    expect(html.match(/<\/script>/gi)).toHaveLength(3)
  })

  it('never prints a user string raw, in tables or in the data', () => {
    for (const s of Object.values(HOSTILE)) expect(html.includes(s)).toBe(false)
    expect(html.includes(escapeHtml(HOSTILE.entitlement))).toBe(true)
    expect(html.includes(escapeHtml(HOSTILE.target))).toBe(true)
    expect(html.includes(escapeHtml(HOSTILE.rule))).toBe(true)
    expect(html.includes('<img')).toBe(false)
    expect(html.includes('<!--')).toBe(false)
  })

  it('has a table for every section, with the numbers', () => {
    for (const title of [
      'Revocation',
      'Requested vs granted vs used',
      'Reviewers',
      'Time to access',
      'Break-glass and exceptions',
      'Coverage',
      'Slices',
    ]) {
      expect(html.includes(`<h2>${title}</h2>`)).toBe(true)
    }
    expect(html.includes('<td>400 ms</td>')).toBe(true)
    expect(html.includes('<td>75.0%</td>')).toBe(true)
  })

  it('the building blocks refuse code that could close its script element', () => {
    expect(jsonForScript({ a: '</script>\u2028&' })).toBe(
      '{"a":"\\u003c/script\\u003e\\u2028\\u0026"}',
    )
    expect(() =>
      htmlDocument({
        title: 't',
        body: '',
        data: { id: 'd', value: 1 },
        libraries: ['x="</SCRIPT>"'],
        script: '',
      }),
    ).toThrow('</script')
  })

  it('the text format has the same tables', () => {
    const text = renderGovernanceReportText(report)
    expect(text).toContain('== Revocation ==')
    expect(text).toMatch(/revocation lag\s+3\s+400 ms\s+4\.0 s\s+4\.0 s\s+4\.0 s/)
    expect(text).toContain(HOSTILE.rule)
  })
})
