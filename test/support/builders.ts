/**
 * Builders for domain objects: `aRequest({ state: 'approved' })`. Defaults are valid and
 * coherent: every default reference points at a row `seedFixture` inserts, so a built object
 * can be stored as is (the schema enforces foreign keys). Ids are unique per call.
 */
import { createHash, randomBytes } from 'node:crypto'
import { requestDigest, type AccessRequest } from '../../src/domain/access-request.js'
import type { Entitlement, Target } from '../../src/domain/catalog.js'
import { targetNameFor, type Grant } from '../../src/domain/grant.js'
import type { Identity } from '../../src/domain/identity.js'
import { NO_OBLIGATIONS } from '../../src/domain/obligations.js'
import type { Review } from '../../src/domain/review.js'
import type { ApiToken, Repositories } from '../../src/storage/store.js'

/** The reference instant builders use; tests move relative to it with `after` / `before`. */
export const T0 = new Date('2030-01-01T00:00:00.000Z')

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export function after(ms: number, from: Date = T0): Date {
  return new Date(from.getTime() + ms)
}

export function before(ms: number, from: Date = T0): Date {
  return new Date(from.getTime() - ms)
}

let counter = 0

/** Unique, and valid both as an identity id and as a catalog id. */
export function uniqueId(prefix: string): string {
  counter++
  return `${prefix}-${counter}-${randomBytes(3).toString('hex')}`
}

/** Ids of the rows `seedFixture` inserts; every builder default points at them. */
export const FIXTURE = {
  requesterId: 'fx-alice',
  reviewerId: 'fx-bob',
  ownerId: 'fx-olivia',
  targetId: 'fx-pg-main',
  entitlementId: 'fx-pg-main-read',
  requestId: 'fx-req-approved',
} as const

const POLICY_HASH = createHash('sha256').update('fixture policy bundle').digest('hex')

export function anIdentity(overrides: Partial<Identity> = {}): Identity {
  const id = overrides.id ?? uniqueId('user')
  return {
    id,
    kind: 'human',
    displayName: `User ${id}`,
    email: `${id}@example.test`,
    status: 'active',
    groups: ['engineering'],
    ownerId: null,
    purpose: null,
    oidcIssuer: null,
    oidcSubject: null,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...overrides,
  }
}

/** A non-human identity: owned by the fixture owner, with a purpose. */
export function aWorkload(overrides: Partial<Identity> = {}): Identity {
  return anIdentity({
    id: overrides.id ?? uniqueId('wl'),
    kind: 'workload',
    email: null,
    groups: [],
    ownerId: FIXTURE.ownerId,
    purpose: 'deploys the billing service',
    ...overrides,
  })
}

export function aTarget(overrides: Partial<Target> = {}): Target {
  const id = overrides.id ?? uniqueId('target')
  return {
    id,
    kind: 'postgres',
    name: `Target ${id}`,
    config: { host: '127.0.0.1', port: 5432, database: 'app', adminUser: 'hourglass_admin' },
    reconcile: { authoritative: false },
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

export function anEntitlement(overrides: Partial<Entitlement> = {}): Entitlement {
  const id = overrides.id ?? uniqueId('ent')
  return {
    id,
    name: `Read ${id}`,
    description: 'Read-only access to the application database',
    targetId: FIXTURE.targetId,
    riskTier: 'medium',
    owners: [FIXTURE.ownerId],
    defaultDurationSeconds: 3600,
    maxDurationSeconds: 8 * 3600,
    params: { role: 'app_readonly' },
    subjectKinds: ['human'],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

/** The digest is computed from the final fields unless overridden, so it is always coherent. */
export function aRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  const request: AccessRequest = {
    id: uniqueId('req'),
    requesterId: FIXTURE.requesterId,
    subjectId: FIXTURE.requesterId,
    entitlementId: FIXTURE.entitlementId,
    justification: 'Investigating INC-1234: slow checkout queries',
    ticketRef: 'INC-1234',
    durationSeconds: 3600,
    revocationCondition: 'expiry',
    submittedAt: T0,
    breakGlass: false,
    incidentRef: null,
    extendsGrantId: null,
    state: 'pending',
    digest: '',
    obligations: { ...NO_OBLIGATIONS, approvals: 1 },
    eligibleReviewers: [FIXTURE.reviewerId, FIXTURE.ownerId],
    policyHash: POLICY_HASH,
    reviewDeadline: after(DAY),
    decidedAt: null,
    decisionReason: null,
    version: 1,
    ...overrides,
  }
  return { ...request, digest: overrides.digest ?? requestDigest(request) }
}

/** The approved request every default review and grant belongs to. */
export function fixtureRequest(): AccessRequest {
  return aRequest({
    id: FIXTURE.requestId,
    state: 'approved',
    decidedAt: after(10 * MINUTE),
    decisionReason: 'approved by fx-bob',
  })
}

export function aReview(overrides: Partial<Review> = {}): Review {
  return {
    id: uniqueId('rev'),
    requestId: FIXTURE.requestId,
    reviewerId: FIXTURE.reviewerId,
    verdict: 'approve',
    comment: 'Matches the incident ticket',
    requestDigest: fixtureRequest().digest,
    reviewerIsOwner: false,
    reviewerGroups: ['engineering', 'sre'],
    policyHash: POLICY_HASH,
    createdAt: after(5 * MINUTE),
    ...overrides,
  }
}

/** A scheduled grant for the fixture request, starting at T0 for one hour. */
export function aGrant(overrides: Partial<Grant> = {}): Grant {
  const id = overrides.id ?? uniqueId('grt')
  return {
    id,
    requestId: FIXTURE.requestId,
    subjectId: FIXTURE.requesterId,
    entitlementId: FIXTURE.entitlementId,
    targetId: FIXTURE.targetId,
    connectorKind: 'postgres',
    breakGlass: false,
    state: 'scheduled',
    targetName: targetNameFor(id),
    startsAt: T0,
    expiresAt: after(HOUR),
    handle: null,
    credentialCiphertext: null,
    credentialRetrievedAt: null,
    issuedAt: null,
    issueAttempts: 0,
    revokeAttempts: 0,
    nextAttemptAt: null,
    lastError: null,
    revokeReason: null,
    revokeDueAt: null,
    revokedAt: null,
    revocationLagMs: null,
    verification: null,
    leaseOwner: null,
    leaseUntil: null,
    createdAt: T0,
    version: 1,
    ...overrides,
  }
}

export function anApiToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: uniqueId('tok'),
    identityId: FIXTURE.requesterId,
    name: 'ci pipeline',
    tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
    createdAt: T0,
    expiresAt: after(30 * DAY),
    revokedAt: null,
    ...overrides,
  }
}

/** Inserts the rows FIXTURE names, once per database; safe to call again. */
export async function seedFixture(repos: Repositories): Promise<void> {
  const people = [
    anIdentity({ id: FIXTURE.requesterId, displayName: 'Alice', groups: ['engineering'] }),
    anIdentity({ id: FIXTURE.reviewerId, displayName: 'Bob', groups: ['engineering', 'sre'] }),
    anIdentity({ id: FIXTURE.ownerId, displayName: 'Olivia', groups: ['data'] }),
  ]
  for (const person of people) {
    if (!(await repos.identities.get(person.id))) await repos.identities.insert(person)
  }
  await repos.catalog.upsertTarget(aTarget({ id: FIXTURE.targetId, name: 'Main database' }))
  await repos.catalog.upsertEntitlement(anEntitlement({ id: FIXTURE.entitlementId }))
  if (!(await repos.requests.get(FIXTURE.requestId))) await repos.requests.insert(fixtureRequest())
}
