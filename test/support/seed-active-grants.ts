import { requestDigest, type AccessRequest } from '../../src/domain/access-request.js'
import { targetNameFor, type Grant } from '../../src/domain/grant.js'
import { NO_OBLIGATIONS } from '../../src/domain/obligations.js'
import { jtiForGrant } from '../../src/connectors/jwt/jwt-connector.js'
import type { IdSource } from '../../src/domain/ports.js'
import type { Store } from '../../src/storage/store.js'

const BATCH = 1_000
/** Revocation never reads the request, so a hundred grants share one. */
const GRANTS_PER_REQUEST = 100

/**
 * Writes `count` active jwt grants (alice, orders-read) with their approved requests straight to
 * the store, in batched transactions: issuing ten thousand through the API one by one would take
 * longer than a test may. The handle is what the jwt connector stores at issuance, so revoking
 * them goes through the real connector. Returns the grant ids.
 */
export async function seedActiveGrants(
  store: Store,
  ids: IdSource,
  count: number,
  now: Date,
  expiresAt: Date,
): Promise<string[]> {
  const grantIds: string[] = []
  let request: AccessRequest | undefined
  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(count, start + BATCH)
    await store.transaction(async (tx) => {
      for (let i = start; i < end; i++) {
        if (request === undefined || i % GRANTS_PER_REQUEST === 0) {
          request = approvedRequest(ids.newId('req'), now)
          await tx.requests.insert(request)
        }
        const grant = activeGrant(ids.newId('grt'), request, now, expiresAt)
        await tx.grants.insert(grant)
        grantIds.push(grant.id)
      }
    })
  }
  return grantIds
}

function approvedRequest(id: string, now: Date): AccessRequest {
  const fields = {
    id,
    requesterId: 'alice',
    subjectId: 'alice',
    entitlementId: 'orders-read',
    justification: 'Seeded by a load test',
    ticketRef: null,
    durationSeconds: 3600,
    revocationCondition: 'expiry' as const,
    submittedAt: now,
    breakGlass: false,
    incidentRef: null,
    extendsGrantId: null,
  }
  return {
    ...fields,
    state: 'approved',
    digest: requestDigest(fields),
    obligations: NO_OBLIGATIONS,
    eligibleReviewers: [],
    policyHash: 'seeded',
    reviewDeadline: now,
    decidedAt: now,
    decisionReason: 'auto-approved by policy',
    version: 1,
  }
}

function activeGrant(id: string, request: AccessRequest, now: Date, expiresAt: Date): Grant {
  return {
    id,
    requestId: request.id,
    subjectId: 'alice',
    entitlementId: 'orders-read',
    targetId: 'orders-api',
    connectorKind: 'jwt',
    breakGlass: false,
    state: 'active',
    targetName: targetNameFor(id),
    startsAt: now,
    expiresAt,
    handle: { jti: jtiForGrant(id), exp: Math.floor(expiresAt.getTime() / 1000), kid: 'seeded' },
    credentialCiphertext: null,
    credentialRetrievedAt: null,
    issuedAt: now,
    issueAttempts: 1,
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
    createdAt: now,
    version: 1,
  }
}
