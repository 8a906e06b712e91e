import { describe, expect, it } from 'vitest'
import { generatePassword, scramVerifier } from './scram.js'
import {
  createLoginRoleSql,
  dropOwnedSql,
  dropRoleSql,
  grantMembershipSql,
  quoteIdent,
  resetLoginRoleSql,
  revokeMembershipSql,
  rotatePasswordSql,
} from './sql.js'

const END = new Date('2031-03-04T05:36:07.000Z')

describe('role DDL', () => {
  it('sends the SCRAM verifier and never the clear password (T14)', async () => {
    const password = generatePassword()
    const verifier = await scramVerifier(password)
    const spec = { role: 'hg_grt__1', verifier, validUntil: END, connectionLimit: 5 }
    const statements = [
      createLoginRoleSql({ ...spec, grantRole: 'app_read' }),
      resetLoginRoleSql(spec),
      rotatePasswordSql('legacy_app', verifier, END),
      rotatePasswordSql('legacy_app', verifier),
    ]
    for (const sql of statements) {
      expect(sql).toContain(`PASSWORD '${verifier}'`)
      expect(sql).not.toContain(password)
    }
  })

  it('spells out every attribute of a per-grant login', () => {
    const sql = createLoginRoleSql({
      role: 'hg_grt__1',
      verifier: 'SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5',
      validUntil: END,
      connectionLimit: 3,
      grantRole: 'app_read',
    })
    expect(sql).toBe(
      'CREATE ROLE "hg_grt__1" WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE ' +
        "NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 3 VALID UNTIL '2031-03-04T05:36:07.000Z' " +
        `PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5' IN ROLE "app_read"`,
    )
  })

  it('refuses anything but a verifier where a password goes', () => {
    expect(() => rotatePasswordSql('legacy_app', 'hunter2')).toThrow()
  })

  it.each([
    ['x" SUPERUSER', '"x"" SUPERUSER"'],
    ['x"; ALTER ROLE x SUPERUSER; --', '"x""; ALTER ROLE x SUPERUSER; --"'],
    ['Alice', '"Alice"'],
    ['a\\b', '"a\\b"'],
  ])('quotes %s as one identifier', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted)
    expect(grantMembershipSql('app_read', name)).toBe(`GRANT "app_read" TO ${quoted}`)
    expect(revokeMembershipSql('app_read', name)).toBe(`REVOKE "app_read" FROM ${quoted}`)
    expect(dropRoleSql(name)).toBe(`DROP ROLE IF EXISTS ${quoted}`)
  })

  it.each([
    ['empty', ''],
    ['NUL', 'a\0b'],
    ['64 bytes', 'a'.repeat(64)],
    ['32 two-byte characters', 'é'.repeat(32)],
  ])('refuses an identifier that is %s', (_name, name) => {
    expect(() => quoteIdent(name)).toThrow()
  })

  it('drops what a role owns in one transaction, borrowing its privileges only meanwhile', () => {
    expect(dropOwnedSql('hg_x')).toBe(
      'GRANT "hg_x" TO CURRENT_USER; REASSIGN OWNED BY "hg_x" TO CURRENT_USER; ' +
        'DROP OWNED BY "hg_x"; REVOKE "hg_x" FROM CURRENT_USER',
    )
  })

  it('refuses a connection limit outside 1..100', () => {
    const spec = { role: 'r', verifier: 'SCRAM-SHA-256$x', validUntil: END, grantRole: 'g' }
    expect(() => createLoginRoleSql({ ...spec, connectionLimit: 0 })).toThrow()
    expect(() => createLoginRoleSql({ ...spec, connectionLimit: -1 })).toThrow()
  })
})
