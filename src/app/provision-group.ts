import { AppError } from '../domain/errors.js'
import type { Identity } from '../domain/identity.js'
import { groupNameFromDisplayName, type ProvisionedGroup } from '../domain/provisioning.js'
import type { Repositories } from '../storage/store.js'
import type { AppDeps } from './deps.js'
import { recordAudit } from './load.js'
import { grantsInForce, recheckGrants } from './recheck-grants.js'

/** A group as the identity provider describes it; members are identity ids of provisioned people. */
export interface GroupProvisioning {
  displayName: string
  externalId: string | null
  memberIds: readonly string[]
}

export interface ProvisionedGroupView {
  group: ProvisionedGroup
  memberIds: string[]
}

/**
 * Groups the provider may never manage: administering Hourglass and provisioning it are granted
 * by Hourglass's own administrators, not by whoever controls the directory.
 */
export interface ReservedGroups {
  reserved: readonly string[]
}

export async function provisionGroup(
  deps: AppDeps,
  actor: string,
  input: GroupProvisioning,
  rules: ReservedGroups,
): Promise<ProvisionedGroupView> {
  const groupName = groupNameFromDisplayName(input.displayName)
  if (groupName === null) {
    throw new AppError('scim.invalid_value', 'displayName leaves no usable group name', {
      details: { scimType: 'invalidValue' },
    })
  }
  if (rules.reserved.includes(groupName)) {
    throw new AppError('scim.reserved_group', `Group ${groupName} is managed in Hourglass, not over SCIM`)
  }
  const now = deps.clock.now()
  const group: ProvisionedGroup = {
    id: deps.ids.newId('grp'),
    groupName,
    displayName: input.displayName,
    externalId: input.externalId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  }
  const memberIds = await deps.store.transaction(async (tx) => {
    await tx.provisioning.insertGroup(group)
    await recordAudit(tx, deps, {
      type: 'group.created',
      actor,
      data: { groupId: group.id, groupName, displayName: group.displayName, externalId: group.externalId },
    })
    return (await setMembers(tx, deps, actor, group, input.memberIds)).members
  })
  return { group, memberIds }
}

export async function requireGroup(repos: Repositories, id: string): Promise<ProvisionedGroup> {
  const group = await repos.provisioning.getGroup(id)
  if (!group) throw new AppError('scim.not_found', `No provisioned group ${JSON.stringify(id)}`)
  return group
}

/** Applies the provider's full description of a group: display name, external id and members. */
export async function updateProvisionedGroup(
  deps: AppDeps,
  actor: string,
  id: string,
  input: GroupProvisioning,
): Promise<ProvisionedGroupView> {
  const result = await deps.store.transaction(async (tx) => {
    const current = await requireGroup(tx, id)
    // The group name stays what it was: policies name groups, and a rename at the provider must
    // not move them (see ProvisionedGroup.groupName).
    const next: ProvisionedGroup = {
      ...current,
      displayName: input.displayName,
      externalId: input.externalId,
      updatedAt: deps.clock.now(),
    }
    const renamed = current.displayName !== next.displayName || current.externalId !== next.externalId
    if (renamed) {
      if (!(await tx.provisioning.updateGroup(next, current.version))) {
        throw new AppError('identity.concurrent_update', 'The group changed; try again')
      }
      await recordAudit(tx, deps, {
        type: 'group.updated',
        actor,
        data: {
          groupId: id,
          groupName: current.groupName,
          displayName: { from: current.displayName, to: next.displayName },
          externalId: { from: current.externalId, to: next.externalId },
        },
      })
    }
    const { members, removed } = await setMembers(tx, deps, actor, current, input.memberIds)
    const group = renamed ? { ...next, version: current.version + 1 } : current
    return { view: { group, memberIds: members }, removed }
  })
  await recheckRemoved(deps, actor, result.view.group, result.removed)
  return result.view
}

/** Removes the group from every provisioned member, then the group; the audit log keeps both. */
export async function deleteProvisionedGroup(deps: AppDeps, actor: string, id: string): Promise<void> {
  const { group, removed } = await deps.store.transaction(async (tx) => {
    const group = await requireGroup(tx, id)
    const { removed } = await setMembers(tx, deps, actor, group, [])
    if (!(await tx.provisioning.deleteGroup(id, group.version))) {
      throw new AppError('identity.concurrent_update', 'The group changed; try again')
    }
    await recordAudit(tx, deps, {
      type: 'group.deleted',
      actor,
      data: { groupId: id, groupName: group.groupName, removedMembers: removed },
    })
    return { group, removed }
  })
  await recheckRemoved(deps, actor, group, removed)
}

/**
 * Leaving a group is a context change (I7): policies may have granted access because of it, so
 * the former members' active grants are decided again now, not at their next issuance.
 */
async function recheckRemoved(
  deps: AppDeps,
  actor: string,
  group: ProvisionedGroup,
  removed: readonly string[],
): Promise<void> {
  for (const identityId of removed) {
    const grants = await grantsInForce(deps, { subjectId: identityId })
    if (grants.length === 0) continue
    await recheckGrants(deps, grants, { identityId, leftGroup: group.groupName }, actor)
  }
}

/**
 * Makes the provisioned members of the group exactly `wanted`, one compare-and-swap per changed
 * person with an `identity.updated` each. People not provisioned over SCIM keep their groups.
 * Returns the members afterwards and who was removed.
 */
async function setMembers(
  tx: Repositories,
  deps: AppDeps,
  actor: string,
  group: ProvisionedGroup,
  wanted: readonly string[],
): Promise<{ members: string[]; removed: string[] }> {
  const target = new Set(wanted)
  const current = new Set(await tx.provisioning.listMemberIds(group.groupName))
  const removed: string[] = []
  for (const id of target) {
    if (!current.has(id)) await changeMembership(tx, deps, actor, group, id, 'add')
  }
  for (const id of current) {
    if (target.has(id)) continue
    await changeMembership(tx, deps, actor, group, id, 'remove')
    removed.push(id)
  }
  return { members: [...target].sort(), removed }
}

async function changeMembership(
  tx: Repositories,
  deps: AppDeps,
  actor: string,
  group: ProvisionedGroup,
  identityId: string,
  change: 'add' | 'remove',
): Promise<void> {
  const [user, identity] = await Promise.all([
    tx.provisioning.getUser(identityId),
    tx.identities.get(identityId),
  ])
  if (!user || !identity || identity.status === 'offboarded') {
    throw new AppError('scim.invalid_value', `Member ${JSON.stringify(identityId)} is not a provisioned user`, {
      details: { scimType: 'invalidValue' },
    })
  }
  const groups =
    change === 'add'
      ? [...new Set([...identity.groups, group.groupName])].sort()
      : identity.groups.filter((g) => g !== group.groupName)
  const next: Identity = { ...identity, groups, updatedAt: deps.clock.now(), version: identity.version + 1 }
  if (!(await tx.identities.update(next, identity.version))) {
    throw new AppError('identity.concurrent_update', 'The identity changed; try again')
  }
  await recordAudit(tx, deps, {
    type: 'identity.updated',
    actor,
    data: {
      identityId,
      source: 'scim',
      changes: { groups: { from: identity.groups, to: groups } },
      group: { id: group.id, name: group.groupName, change },
    },
  })
}
