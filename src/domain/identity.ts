export const IDENTITY_KINDS = ['human', 'workload', 'service_account'] as const
export type IdentityKind = (typeof IDENTITY_KINDS)[number]

export const IDENTITY_STATUSES = ['active', 'suspended', 'offboarded'] as const
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number]

/** A person or a non-human identity (NHI). Every NHI has a human owner and a purpose. */
export interface Identity {
  id: string
  kind: IdentityKind
  displayName: string
  email: string | null
  status: IdentityStatus
  groups: string[]
  /** Human owner; required for NHIs, null for humans. */
  ownerId: string | null
  purpose: string | null
  /** OIDC `iss` + `sub` this identity signs in with, when it uses OIDC. */
  oidcIssuer: string | null
  oidcSubject: string | null
  createdAt: Date
  updatedAt: Date
  version: number
}

export function isHuman(identity: Pick<Identity, 'kind'>): boolean {
  return identity.kind === 'human'
}

export function isActive(identity: Pick<Identity, 'status'>): boolean {
  return identity.status === 'active'
}

/** Identity ids are generated or chosen by an admin; keep them to a safe, printable charset. */
export const IDENTITY_ID_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,127}$/
