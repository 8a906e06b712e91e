import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { STATUS } from '../http/error-response.js'
import { AppError, ERROR_CODES, isErrorCode } from './errors.js'

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
const rows = [...doc.matchAll(/^\| `([a-z_.]+)` \| ([a-z_]+) \| (\d{3}) \|/gm)].map((m) => ({
  code: m[1] ?? '',
  category: m[2] ?? '',
  status: Number(m[3]),
}))

describe('error catalogue', () => {
  it('documents every code with its category and status', () => {
    for (const [code, category] of Object.entries(ERROR_CODES)) {
      const row = rows.find((r) => r.code === code)
      expect(row, `docs/errors.md lacks ${code}`).toBeDefined()
      expect(row?.category).toBe(category)
      expect(row?.status).toBe(STATUS[category])
    }
  })

  it('documents no code that does not exist', () => {
    for (const row of rows) expect(isErrorCode(row.code), `${row.code} is not in ERROR_CODES`).toBe(true)
    expect(rows.length).toBe(Object.keys(ERROR_CODES).length)
  })

  it('derives the category from the code', () => {
    const e = new AppError('review.self_review_forbidden', 'no')
    expect(e.category).toBe('forbidden')
    expect(STATUS[e.category]).toBe(403)
  })
})
