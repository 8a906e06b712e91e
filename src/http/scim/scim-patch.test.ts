import { describe, expect, it } from 'vitest'
import { AppError } from '../../domain/errors.js'
import { parseEqualityFilter } from './scim-filter.js'
import { applyPatch, parsePatchRequest, PATCH_OP_SCHEMA, type PatchOperation } from './scim-patch.js'
import { USER_PATCH_SCHEMAS, GROUP_PATCH_SCHEMAS, ENTERPRISE_USER_SCHEMA } from './scim-resources.js'

const user = () => ({
  id: 'carol',
  userName: 'carol',
  displayName: 'Carol',
  active: true,
  emails: [
    { value: 'carol@work.example', type: 'work', primary: true },
    { value: 'carol@home.example', type: 'home' },
  ],
  meta: { resourceType: 'User' },
})
const group = () => ({ id: 'grp_1', displayName: 'Ops', members: [{ value: 'a' }, { value: 'b' }] })

function scimTypeOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    if (error instanceof AppError) return error.details?.scimType
    throw error
  }
  return 'no error'
}

describe('parseEqualityFilter', () => {
  it.each([
    ['userName eq "carol"', { attribute: 'userName', value: 'carol' }],
    ['  USERNAME EQ "Ca\\"rol"  ', { attribute: 'USERNAME', value: 'Ca"rol' }],
    ['active eq True', { attribute: 'active', value: true }],
    ['emails.value eq "x@y"', { attribute: 'emails.value', value: 'x@y' }],
  ])('%s', (filter, expected) => {
    expect(parseEqualityFilter(filter)).toEqual(expected)
  })

  it.each(['userName co "c"', 'userName eq "a" or userName eq "b"', 'userName eq carol', 'eq "x"', '', 'userName eq "unterminated'])(
    'refuses %j as invalidFilter',
    (filter) => {
      expect(scimTypeOf(() => parseEqualityFilter(filter))).toBe('invalidFilter')
    },
  )
})

describe('parsePatchRequest', () => {
  it('needs the PatchOp schema and at least one operation; accepts Azure capitalisation', () => {
    expect(scimTypeOf(() => parsePatchRequest({ Operations: [{ op: 'add', value: {} }] }))).toBe('invalidSyntax')
    expect(scimTypeOf(() => parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: [] }))).toBe('invalidSyntax')
    expect(scimTypeOf(() => parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'move' }] }))).toBe('invalidSyntax')
    expect(parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], operations: [{ op: 'Replace', path: 'active', value: false }] })).toEqual([
      { op: 'replace', path: 'active', value: false },
    ])
  })
})

describe('applyPatch on a user', () => {
  const apply = (...ops: PatchOperation[]) => applyPatch(user(), ops, USER_PATCH_SCHEMAS)

  it('replaces a simple attribute by path, case-insensitively, and without a path', () => {
    expect(apply({ op: 'replace', path: 'ACTIVE', value: false }).active).toBe(false)
    expect(apply({ op: 'replace', value: { displayname: 'C. Smith' } }).displayName).toBe('C. Smith')
    expect(apply({ op: 'replace', path: `urn:ietf:params:scim:schemas:core:2.0:User:displayName`, value: 'X' }).displayName).toBe('X')
  })

  it('updates a sub-attribute of the filtered values only', () => {
    const patched = apply({ op: 'replace', path: 'emails[type eq "work"].value', value: 'c@new.example' })
    expect(patched.emails).toEqual([
      { value: 'c@new.example', type: 'work', primary: true },
      { value: 'carol@home.example', type: 'home' },
    ])
  })

  it('fails with noTarget when a replace filter selects nothing, but removing nothing is fine', () => {
    expect(scimTypeOf(() => apply({ op: 'replace', path: 'emails[type eq "other"].value', value: 'x' }))).toBe('noTarget')
    expect(apply({ op: 'remove', path: 'emails[type eq "other"]' }).emails).toHaveLength(2)
  })

  it('adds to multi-valued attributes without duplicates, and removes by filter', () => {
    const added = apply({ op: 'add', path: 'emails', value: [{ value: 'carol@home.example', type: 'home' }, { value: 'c@x.example' }] })
    expect((added.emails as unknown[]).length).toBe(3)
    expect(apply({ op: 'remove', path: 'emails[type eq "home"]' }).emails).toEqual([{ value: 'carol@work.example', type: 'work', primary: true }])
  })

  it('writes extension attributes under their schema, both path styles', () => {
    const byPath = apply({ op: 'add', path: `${ENTERPRISE_USER_SCHEMA}:department`, value: 'Finance' })
    expect(byPath[ENTERPRISE_USER_SCHEMA]).toEqual({ department: 'Finance' })
    const byValue = apply({ op: 'add', value: { [ENTERPRISE_USER_SCHEMA]: { costCenter: '42' } } })
    expect(byValue[ENTERPRISE_USER_SCHEMA]).toEqual({ costCenter: '42' })
    const azure = apply({ op: 'replace', value: { [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: '7' } })
    expect(azure[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '7' })
  })

  it('refuses read-only attributes, unknown schemas and unsupported paths', () => {
    expect(scimTypeOf(() => apply({ op: 'replace', path: 'id', value: 'root' }))).toBe('mutability')
    expect(scimTypeOf(() => apply({ op: 'remove', path: 'meta' }))).toBe('mutability')
    expect(scimTypeOf(() => apply({ op: 'replace', value: { ID: 'root' } }))).toBe('mutability')
    expect(scimTypeOf(() => apply({ op: 'add', path: 'urn:example:custom:attr', value: 1 }))).toBe('invalidPath')
    expect(scimTypeOf(() => apply({ op: 'add', path: '__proto__', value: { polluted: true } }))).toBe('invalidPath')
    expect(scimTypeOf(() => apply({ op: 'remove' }))).toBe('noTarget')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('never changes the resource it was given', () => {
    const original = user()
    applyPatch(original, [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'z' }], USER_PATCH_SCHEMAS)
    expect(original).toEqual(user())
  })
})

describe('applyPatch on a group', () => {
  const apply = (...ops: PatchOperation[]) => applyPatch(group(), ops, GROUP_PATCH_SCHEMAS)
  it('adds, removes by filter, removes by value (Azure) and replaces members', () => {
    expect(apply({ op: 'add', path: 'members', value: [{ value: 'c' }, { value: 'a' }] }).members).toEqual([{ value: 'a' }, { value: 'b' }, { value: 'c' }])
    expect(apply({ op: 'remove', path: 'members[value eq "a"]' }).members).toEqual([{ value: 'b' }])
    expect(apply({ op: 'remove', path: 'members', value: [{ value: 'b' }] }).members).toEqual([{ value: 'a' }])
    expect(apply({ op: 'replace', path: 'members', value: [{ value: 'z' }] }).members).toEqual([{ value: 'z' }])
    expect(apply({ op: 'remove', path: 'members' }).members).toBeUndefined()
  })
})
