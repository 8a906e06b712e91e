import { IDENTITY_ID_PATTERN } from './identity.js'

/** Group names as policies see them (`principal in Group::"security"`). */
export const GROUP_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/

/**
 * A person provisioned by the identity provider over SCIM. The identity is the authority for
 * status, display name, email and groups; this record keeps what only SCIM knows.
 */
export interface ProvisionedUser {
  identityId: string
  /** As the provider sent it; unique case-insensitively (RFC 7643 §4.1.1: caseExact false). */
  userName: string
  externalId: string | null
  /** SCIM attributes kept for round trips (name, emails, title…), never used for decisions. */
  attributes: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

/** A group provisioned over SCIM. Membership lives on the identities (their `groups`). */
export interface ProvisionedGroup {
  id: string
  /**
   * The Hourglass group it manages, derived from the first display name and fixed from then on:
   * renaming a group at the provider must not silently change which policies apply to whom.
   */
  groupName: string
  displayName: string
  externalId: string | null
  createdAt: Date
  updatedAt: Date
  version: number
}

/** Case-folds and strips accents so look-alike spellings of one name meet in one key (T39). */
function fold(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim()
}

/**
 * The identity id a SCIM userName maps to: ASCII, lower-case, every run of other characters
 * replaced by `-`. Null when nothing usable is left. Different spellings of one name (case,
 * accents) map to one id, so they collide instead of becoming two people.
 */
export function identityIdFromUserName(userName: string): string | null {
  const id = fold(userName)
    .replace(/[^a-z0-9._@-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 128)
    .replace(/[-.]+$/, '')
  return IDENTITY_ID_PATTERN.test(id) ? id : null
}

/** The group name a SCIM group display name maps to, or null when nothing usable is left. */
export function groupNameFromDisplayName(displayName: string): string | null {
  const name = fold(displayName)
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/-+$/, '')
  return GROUP_NAME_PATTERN.test(name) ? name : null
}

/** The uniqueness key of a userName. */
export function userNameKey(userName: string): string {
  return fold(userName)
}
