import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiToken, createIdentity } from '../../../src/app/manage-identities.js'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { serveApp } from '../../support/serve-app.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'

let world: TestWorld
let server: { url: string; stop(): Promise<void> }
let provisioner: string

beforeAll(async () => {
  world = await startTestWorld()
  const { deps } = world.runtime
  await createIdentity(deps, 'system:test', {
    id: 'okta-scim',
    kind: 'service_account',
    displayName: 'Okta SCIM connector',
    groups: ['scim-provisioners'],
    ownerId: 'admin',
    purpose: 'Provisions people from Okta',
  })
  provisioner = (await createApiToken(deps, 'system:test', { identityId: 'okta-scim', name: 'scim' }, () => deps.newApiToken())).token.reveal()
  server = await serveApp(world.runtime.app)
})
afterAll(async () => {
  await server.stop()
  await world.close()
})

async function scim(method: string, path: string, body?: unknown, token: string | null = provisioner) {
  const res = await fetch(`${server.url}/scim/v2${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text === '' ? null : JSON.parse(text) }
}

const patch = (...Operations: object[]) => ({ schemas: [PATCH], Operations })

function carol(overrides: object = {}) {
  return {
    schemas: [USER],
    userName: 'Carol.Smith@Example.com',
    externalId: '00u1carol',
    name: { givenName: 'Carol', familyName: 'Smith' },
    emails: [{ value: 'carol.smith@example.com', type: 'work', primary: true }],
    active: true,
    ...overrides,
  }
}

const identity = (id: string) => world.runtime.deps.store.identities.get(id)
async function events(type: string) {
  return (await world.runtime.deps.store.audit.list({ limit: 100_000 })).filter((e) => e.type === type)
}

describe('SCIM authentication', () => {
  it('accepts only API tokens of provisioners, and answers in the SCIM error format', async () => {
    const anonymous = await scim('GET', '/Users', undefined, null)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('content-type')).toContain('application/scim+json')
    expect(anonymous.body).toMatchObject({ schemas: [ERROR], status: '401' })
    const person = await scim('GET', '/Users', undefined, world.tokens.alice ?? 'hgt_missing')
    expect([person.status, person.body.status]).toEqual([403, '403'])
    // A person's OIDC access token is never accepted here, valid or not.
    const jwt = await scim('GET', '/Users', undefined, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln')
    expect(jwt.status).toBe(401)
    expect((await scim('GET', '/ServiceProviderConfig')).body.patch).toEqual({ supported: true })
  })
})

describe('SCIM users', () => {
  it('creates a person from the provider, with a normalised id, and refuses a second spelling', async () => {
    const created = await scim('POST', '/Users', carol())
    expect(created.status).toBe(201)
    expect(created.headers.get('content-type')).toContain('application/scim+json')
    expect(created.headers.get('location')).toBe(`${server.url}/scim/v2/Users/carol.smith@example.com`)
    expect(created.body).toMatchObject({
      schemas: [USER],
      id: 'carol.smith@example.com',
      userName: 'Carol.Smith@Example.com',
      externalId: '00u1carol',
      displayName: 'Carol Smith',
      active: true,
      meta: { resourceType: 'User', version: 'W/"1"' },
    })
    expect(await identity('carol.smith@example.com')).toMatchObject({
      kind: 'human',
      status: 'active',
      email: 'carol.smith@example.com',
      displayName: 'Carol Smith',
    })
    expect((await events('identity.created')).at(-1)?.data).toMatchObject({ source: 'scim', identityId: 'carol.smith@example.com' })
    const twin = await scim('POST', '/Users', carol({ userName: 'carol.smith@EXAMPLE.com', externalId: 'other' }))
    expect(twin.status).toBe(409)
    expect(twin.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' })
    // People created in Hourglass are not the provider's to adopt or see.
    expect((await scim('POST', '/Users', carol({ userName: 'alice', externalId: 'x' }))).status).toBe(409)
    expect((await scim('GET', '/Users/alice')).status).toBe(404)
  })

  it('filters by userName (case-insensitively) and externalId, and pages', async () => {
    await scim('POST', '/Users', carol({ userName: 'dan@example.com', externalId: '00u2dan', emails: [], name: { givenName: 'Dan' } }))
    const byName = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "CAROL.smith@example.com"')}`)
    expect(byName.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 })
    expect(byName.body.Resources[0].id).toBe('carol.smith@example.com')
    const byExternal = await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "00u2dan"')}`)
    expect(byExternal.body.Resources.map((r: { id: string }) => r.id)).toEqual(['dan@example.com'])
    const none = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody"')}`)
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] })
    const page = await scim('GET', '/Users?startIndex=2&count=1')
    expect(page.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 })
    expect(page.body.Resources[0].id).toBe('dan@example.com')
    const unsupported = await scim('GET', `/Users?filter=${encodeURIComponent('userName co "carol"')}`)
    expect([unsupported.status, unsupported.body.scimType]).toEqual([400, 'invalidFilter'])
  })

  it('patches the display name (Azure style) and refuses read-only attributes and bad paths', async () => {
    const renamed = await scim('PATCH', '/Users/dan@example.com', patch({ op: 'Replace', value: { displayName: 'Daniel Q' } }))
    expect(renamed.status).toBe(200)
    expect(renamed.body.displayName).toBe('Daniel Q')
    expect((await identity('dan@example.com'))!.displayName).toBe('Daniel Q')
    const email = await scim('PATCH', '/Users/dan@example.com', patch({ op: 'add', path: 'emails', value: [{ value: 'dan@example.com', primary: true }] }))
    expect(email.body.emails).toEqual([{ value: 'dan@example.com', primary: true }])
    expect((await identity('dan@example.com'))!.email).toBe('dan@example.com')
    const readOnly = await scim('PATCH', '/Users/dan@example.com', patch({ op: 'replace', path: 'id', value: 'root' }))
    expect([readOnly.status, readOnly.body.scimType]).toEqual([400, 'mutability'])
    const badPath = await scim('PATCH', '/Users/dan@example.com', patch({ op: 'replace', path: 'emails[type co "w"].value', value: 'x' }))
    expect([badPath.status, badPath.body.scimType]).toEqual([400, 'invalidPath'])
    const notPatch = await scim('PATCH', '/Users/dan@example.com', { Operations: [] })
    expect(notPatch.status).toBe(400)
  })

  it('deactivation suspends the person and revokes their grants at once', async () => {
    const { deps } = world.runtime
    const token = (await createApiToken(deps, 'system:test', { identityId: 'carol.smith@example.com', name: 't' }, () => deps.newApiToken())).token.reveal()
    const submitted = await world.runtime.app.request('/v1/requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entitlementId: 'orders-read', justification: 'Reconcile orders for finance' }),
    })
    const grantId: string = ((await submitted.json()) as any).grant.id
    await runDueWork(deps)
    expect((await deps.store.grants.get(grantId))!.state).toBe('active')

    const res = await scim('PATCH', '/Users/carol.smith@example.com', patch({ op: 'replace', path: 'active', value: 'False' }))
    expect([res.status, res.body.active]).toEqual([200, false])
    expect((await identity('carol.smith@example.com'))!.status).toBe('suspended')
    expect((await events('identity.status_changed')).at(-1)?.data).toMatchObject({
      identityId: 'carol.smith@example.com',
      from: 'active',
      to: 'suspended',
    })
    expect(await deps.store.grants.get(grantId)).toMatchObject({ state: 'revoked', revokeReason: 'context_change' })
    // Suspended people cannot use their API tokens either.
    const refused = await world.runtime.app.request('/v1/me', { headers: { authorization: `Bearer ${token}` } })
    expect(refused.status).toBe(403)

    const back = await scim('PUT', '/Users/carol.smith@example.com', carol({ active: true }))
    expect(back.body.active).toBe(true)
    expect((await identity('carol.smith@example.com'))!.status).toBe('active')
  })

  it('a replace without `active` keeps the status; DELETE offboards and never deletes', async () => {
    await scim('PATCH', '/Users/dan@example.com', patch({ op: 'replace', value: { active: false } }))
    const { active: _omitted, ...withoutActive } = carol({ userName: 'dan@example.com', externalId: '00u2dan' })
    const replaced = await scim('PUT', '/Users/dan@example.com', withoutActive)
    expect(replaced.body.active).toBe(false)

    const deleted = await scim('DELETE', '/Users/dan@example.com')
    expect(deleted.status).toBe(204)
    const kept = await identity('dan@example.com')
    expect(kept).toMatchObject({ status: 'offboarded', kind: 'human' })
    expect((await scim('GET', '/Users/dan@example.com')).status).toBe(404)
    const listed = await scim('GET', '/Users')
    expect(listed.body.Resources.map((r: { id: string }) => r.id)).not.toContain('dan@example.com')
    // The name stays taken: an offboarded person's evidence is never inherited.
    expect((await scim('POST', '/Users', carol({ userName: 'dan@example.com', externalId: 'new' }))).status).toBe(409)
    expect((await scim('DELETE', '/Users/dan@example.com')).status).toBe(404)
  })
})

describe('SCIM groups', () => {
  it('creates a group with members, patches members in and out, and deletes it', async () => {
    await scim('POST', '/Users', carol({ userName: 'erin@example.com', externalId: '00u3erin', emails: [] }))
    const created = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Orders On-Call',
      externalId: '00g1',
      members: [{ value: 'carol.smith@example.com' }],
    })
    expect(created.status).toBe(201)
    const groupId: string = created.body.id
    expect(created.body).toMatchObject({ displayName: 'Orders On-Call', members: [{ value: 'carol.smith@example.com' }] })
    expect((await identity('carol.smith@example.com'))!.groups).toContain('orders-on-call')
    const user = await scim('GET', '/Users/carol.smith@example.com')
    expect(user.body.groups).toEqual([expect.objectContaining({ value: groupId, display: 'Orders On-Call' })])

    const added = await scim('PATCH', `/Groups/${groupId}`, patch({ op: 'add', path: 'members', value: [{ value: 'erin@example.com' }] }))
    expect(added.body.members.map((m: { value: string }) => m.value)).toEqual(['carol.smith@example.com', 'erin@example.com'])
    expect((await identity('erin@example.com'))!.groups).toEqual(['orders-on-call'])
    const removed = await scim('PATCH', `/Groups/${groupId}`, patch({ op: 'remove', path: 'members[value eq "carol.smith@example.com"]' }))
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual(['erin@example.com'])
    expect((await identity('carol.smith@example.com'))!.groups).toEqual([])
    // Azure AD's form of removal, and a rename that does not move the policy group.
    await scim('PATCH', `/Groups/${groupId}`, patch(
      { op: 'Remove', path: 'members', value: [{ value: 'erin@example.com' }] },
      { op: 'Replace', path: 'displayName', value: 'Orders Responders' },
    ))
    const after = await scim('GET', `/Groups/${groupId}`)
    expect(after.body).toMatchObject({ displayName: 'Orders Responders', members: [] })
    const filtered = await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "orders responders"')}&excludedAttributes=members`)
    expect(filtered.body.totalResults).toBe(1)
    expect(filtered.body.Resources[0].members).toBeUndefined()

    await scim('PUT', `/Groups/${groupId}`, { schemas: [GROUP], displayName: 'Orders Responders', members: [{ value: 'erin@example.com' }] })
    expect((await identity('erin@example.com'))!.groups).toEqual(['orders-on-call'])
    expect((await scim('DELETE', `/Groups/${groupId}`)).status).toBe(204)
    expect((await identity('erin@example.com'))!.groups).toEqual([])
    expect((await scim('GET', `/Groups/${groupId}`)).status).toBe(404)
    expect((await events('group.deleted')).at(-1)?.data).toMatchObject({ groupId, removedMembers: ['erin@example.com'] })
  })

  it('never lets the directory manage the admin or provisioner groups, or non-provisioned people', async () => {
    const admins = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Hourglass Admins', members: [{ value: 'erin@example.com' }] })
    expect([admins.status, admins.body.status]).toEqual([403, '403'])
    const provisioners = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'SCIM provisioners' })
    expect(provisioners.status).toBe(403)
    const alice = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [{ value: 'alice' }] })
    expect([alice.status, alice.body.scimType]).toEqual([400, 'invalidValue'])
    expect((await identity('erin@example.com'))!.groups).toEqual([])
    expect((await identity('alice'))!.groups).toEqual(['engineering'])
  })
})
