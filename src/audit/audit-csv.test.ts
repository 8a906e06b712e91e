import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../domain/audit-event.js'
import { AUDIT_CSV_COLUMNS, auditCsvHeader, auditCsvRow, csvCell } from './audit-csv.js'

describe('CSV cells (RFC 4180, formula-safe)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['', ''],
    ['a=b', 'a=b'],
  ])('%j → %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected)
  })

  it('writes the fixed column set and one record per event, the free text in its own column', () => {
    expect(auditCsvHeader()).toBe(AUDIT_CSV_COLUMNS.join(',') + '\r\n')
    const e: AuditEvent = {
      seq: 7,
      id: 'aud_7',
      at: new Date('2026-11-23T09:00:00Z'),
      type: 'breakglass.used',
      actor: 'bob',
      requestId: 'req_1',
      grantId: null,
      data: { reason: '=cmd, "now"' },
      prevHash: 'p',
      hash: 'h',
    }
    expect(auditCsvRow(e)).toBe(
      `7,aud_7,2026-11-23T09:00:00.000Z,breakglass.used,bob,req_1,,"'=cmd, ""now""","{""reason"":""=cmd, \\""now\\""""}",p,h\r\n`,
    )
  })
})
