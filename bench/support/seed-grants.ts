import { requestDigest, type AccessRequest } from '../../src/domain/access-request.js'
import { targetNameFor, type Grant } from '../../src/domain/grant.js'
import { NO_OBLIGATIONS } from '../../src/domain/obligations.js'
import { jtiForGrant } from '../../src/connectors/jwt/jwt-connector.js'
import { randomIdSource } from '../../src/security/random-id-source.js'
import type { Store } from '../../src/storage/store.js'

const BATCH = 2_000
/** Revocation never reads the request, so grants share one to halve the seeding. */
const GRANTS_PER_REQUEST = 100

/**
 * Active jwt grants (alice, orders-read) with approved requests, written straight to the store
 * in batched transactions: issuing them one by one would take longer than the benchmark.
 * `expiryOf(i)` gives each grant's expiry.
 */
export async function seedActiveGrants(
  store: Store,
  count: number,
  expiryOf: (i: number) => Date,
): Promise<void> {
  const now = new Date()
  let request: AccessRequest | undefined
  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(count, start + BATCH)
    await store.transaction(async (tx) => {
      for (let i = start; i < end; i++) {
        if (request === undefined || i % GRANTS_PER_REQUEST === 0) {
          request = approvedRequest(now)
          await tx.requests.insert(request)
        }
        await tx.grants.insert(activeGrant(request, now, expiryOf(i)))
      }
    })
  }
}

function approvedRequest(now: Date): AccessRequest {
  const fields = {
    id: randomIdSource.newId('req'),
    requesterId: 'alice',
    subjectId: 'alice',
    entitlementId: 'orders-read',
    justification: 'Benchmark: seeded for the revocation window',
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
    policyHash: 'bench',
    reviewDeadline: now,
    decidedAt: now,
    decisionReason: 'auto-approved by policy',
    version: 1,
  }
}

/** `handle` is what the jwt connector would have stored at issuance. */
function activeGrant(request: AccessRequest, now: Date, expiresAt: Date): Grant {
  const id = randomIdSource.newId('grt')
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
    handle: { jti: jtiForGrant(id), exp: Math.floor(expiresAt.getTime() / 1000), kid: 'bench' },
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
