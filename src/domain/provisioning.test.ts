import { describe, expect, it } from 'vitest'
import { groupNameFromDisplayName, identityIdFromUserName, userNameKey } from './provisioning.js'

describe('identityIdFromUserName', () => {
  it.each([
    ['Carol.Smith@Example.com', 'carol.smith@example.com'],
    ['josé.garcía', 'jose.garcia'],
    ['ÅSA', 'asa'],
    ['  bob  ', 'bob'],
    ['DOMAIN\\bob', 'domain-bob'],
    ['-lead', 'lead'],
    ['x'.repeat(300), 'x'.repeat(128)],
    ['ｃａｒｏｌ', 'carol'],
    ['trailing.', 'trailing'],
  ])('%j → %j', (userName, id) => {
    expect(identityIdFromUserName(userName)).toBe(id)
  })

  it.each(['', '---', '你好', '\u202e'])('leaves nothing usable from %j', (userName) => {
    expect(identityIdFromUserName(userName)).toBeNull()
  })

  it('folds case and accents into one uniqueness key', () => {
    expect(userNameKey('José@Example.com')).toBe(userNameKey('jose@example.COM'))
  })
})

describe('groupNameFromDisplayName', () => {
  it.each([
    ['Orders On-Call', 'orders-on-call'],
    ['Security', 'security'],
    ['Payments / Admins', 'payments-admins'],
    ['team_42', 'team_42'],
  ])('%j → %j', (displayName, name) => {
    expect(groupNameFromDisplayName(displayName)).toBe(name)
  })

  it('leaves nothing usable from punctuation alone', () => {
    expect(groupNameFromDisplayName('***')).toBeNull()
  })
})
