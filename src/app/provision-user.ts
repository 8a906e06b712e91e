import { AppError } from '../domain/errors.js'
import type { Identity } from '../domain/identity.js'
import { identityIdFromUserName, type ProvisionedUser } from '../domain/provisioning.js'
import type { Repositories } from '../storage/store.js'
import { changeIdentityStatus } from './change-identity-status.js'
import type { AppDeps } from './deps.js'
import { recordAudit } from './load.js'

/** A person as the identity provider describes them, already validated at the edge. */
export interface UserProvisioning {
  userName: string
  externalId: string | null
  displayName: string
  email: string | null
  /** Absent on a replace that did not say: the status stays what it is. */
  active?: boolean | undefined
  attributes: Record<string, unknown>
}

export interface ProvisionedPerson {
  user: ProvisionedUser
  identity: Identity
}

/** Links provisioned people to the OIDC accounts they sign in with, when configured. */
export interface OidcLink {
  issuer: string
  subjectFrom: 'externalId' | 'userName'
}

function oidcSubject(input: UserProvisioning, link: OidcLink | undefined): string | null {
  if (link === undefined) return null
  return link.subjectFrom === 'externalId' ? input.externalId : input.userName
}

/** Creates a person from the identity provider: a human identity plus its SCIM record. */
export async function provisionUser(
  deps: AppDeps,
  actor: string,
  input: UserProvisioning,
  link?: OidcLink,
): Promise<ProvisionedPerson> {
  const id = identityIdFromUserName(input.userName)
  if (id === null) {
    throw new AppError('scim.invalid_value', 'userName leaves no usable identity id', {
      details: { scimType: 'invalidValue' },
    })
  }
  const now = deps.clock.now()
  const subject = oidcSubject(input, link)
  const identity: Identity = {
    id,
    kind: 'human',
    displayName: input.displayName,
    email: input.email,
    // Created inactive when the provider says so: never active for even a moment.
    status: input.active === false ? 'suspended' : 'active',
    groups: [],
    ownerId: null,
    purpose: null,
    oidcIssuer: subject === null || link === undefined ? null : link.issuer,
    oidcSubject: subject,
    createdAt: now,
    updatedAt: now,
    version: 1,
  }
  const user: ProvisionedUser = {
    identityId: id,
    userName: input.userName,
    externalId: input.externalId,
    attributes: input.attributes,
    createdAt: now,
    updatedAt: now,
  }
  await deps.store.transaction(async (tx) => {
    // An id once used stays used: an offboarded person's evidence must never be inherited.
    if (await tx.identities.get(id)) {
      throw new AppError('scim.uniqueness', `An identity ${JSON.stringify(id)} already exists`, {
        details: { scimType: 'uniqueness' },
      })
    }
    await tx.identities.insert(identity)
    await tx.provisioning.insertUser(user)
    await recordAudit(tx, deps, {
      type: 'identity.created',
      actor,
      data: {
        identityId: id,
        kind: 'human',
        status: identity.status,
        groups: [],
        ownerId: null,
        source: 'scim',
        userName: input.userName,
        externalId: input.externalId,
      },
    })
  })
  deps.log.info({ identityId: id }, 'person provisioned')
  return { user, identity }
}

/** The provisioned, not offboarded person, or scim.not_found (others are invisible to SCIM). */
export async function requireProvisioned(
  repos: Repositories,
  identityId: string,
): Promise<ProvisionedPerson> {
  const [user, identity] = await Promise.all([
    repos.provisioning.getUser(identityId),
    repos.identities.get(identityId),
  ])
  if (!user || !identity || identity.status === 'offboarded') {
    throw new AppError('scim.not_found', `No provisioned user ${JSON.stringify(identityId)}`)
  }
  return { user, identity }
}

/**
 * Applies the provider's full description of a person (a SCIM replace, or a patch already
 * applied to the current description). Deactivation runs first, so a failing attribute update
 * never leaves someone active who should not be.
 */
export async function updateProvisionedUser(
  deps: AppDeps,
  actor: string,
  identityId: string,
  input: UserProvisioning,
  link?: OidcLink,
): Promise<ProvisionedPerson> {
  const before = await requireProvisioned(deps.store, identityId)
  const wasActive = before.identity.status === 'active'
  if (input.active === false && wasActive) {
    await changeIdentityStatus(deps, actor, identityId, 'suspended', 'scim')
  }
  await deps.store.transaction(async (tx) => {
    const { identity, user } = await requireProvisioned(tx, identityId)
    const now = deps.clock.now()
    const subject = oidcSubject(input, link)
    const next: Identity = {
      ...identity,
      displayName: input.displayName,
      email: input.email,
      ...(link === undefined ? {} : { oidcIssuer: subject === null ? null : link.issuer, oidcSubject: subject }),
    }
    const changes = diff(identity, next, ['displayName', 'email', 'oidcSubject'])
    const userChanged =
      user.userName !== input.userName ||
      user.externalId !== input.externalId ||
      JSON.stringify(user.attributes) !== JSON.stringify(input.attributes)
    if (Object.keys(changes).length > 0) {
      const stored = { ...next, updatedAt: now, version: identity.version + 1 }
      if (!(await tx.identities.update(stored, identity.version))) {
        throw new AppError('identity.concurrent_update', 'The identity changed; try again')
      }
    }
    if (userChanged) {
      await tx.provisioning.updateUser({
        ...user,
        userName: input.userName,
        externalId: input.externalId,
        attributes: input.attributes,
        updatedAt: now,
      })
    }
    if (Object.keys(changes).length > 0 || userChanged) {
      await recordAudit(tx, deps, {
        type: 'identity.updated',
        actor,
        data: {
          identityId,
          source: 'scim',
          changes,
          ...(user.userName !== input.userName ? { userName: { from: user.userName, to: input.userName } } : {}),
          ...(user.externalId !== input.externalId ? { externalId: { from: user.externalId, to: input.externalId } } : {}),
        },
      })
    }
  })
  if (input.active === true && !wasActive) {
    await changeIdentityStatus(deps, actor, identityId, 'active', 'scim')
  }
  return requireProvisioned(deps.store, identityId)
}

/** SCIM DELETE: the person is offboarded, never deleted, so the evidence about them survives. */
export async function deprovisionUser(deps: AppDeps, actor: string, identityId: string): Promise<void> {
  await requireProvisioned(deps.store, identityId)
  await changeIdentityStatus(deps, actor, identityId, 'offboarded', 'scim')
}

function diff<T extends object, K extends keyof T>(
  before: T,
  after: T,
  keys: readonly K[],
): Record<string, { from: T[K]; to: T[K] }> {
  const out: Record<string, { from: T[K]; to: T[K] }> = {}
  for (const key of keys) {
    if (before[key] !== after[key]) out[String(key)] = { from: before[key], to: after[key] }
  }
  return out
}
