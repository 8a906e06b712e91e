import { describe, expect, it } from 'vitest'
import type { Grant } from '../../domain/grant.js'
import { aGrant } from '../../../test/support/builders.js'
import { columnValue, toRow } from './grant-repository.js'

const FILLED: Grant = {
  id: 'grt_1',
  requestId: 'req_1',
  subjectId: 'idn_alice',
  entitlementId: 'orders-read',
  targetId: 'orders-api',
  connectorKind: 'jwt',
  breakGlass: true,
  state: 'revoked',
  targetName: 'hg_grt_1',
  startsAt: new Date(1_000),
  expiresAt: new Date(2_000),
  handle: { jti: 'abc', exp: 2, kid: 'k' },
  credentialCiphertext: 'sealed',
  credentialRetrievedAt: new Date(3_000),
  issuedAt: new Date(4_000),
  issueAttempts: 1,
  revokeAttempts: 2,
  nextAttemptAt: new Date(5_000),
  lastError: 'boom',
  revokeReason: 'expired',
  revokeDueAt: new Date(6_000),
  revokedAt: new Date(7_000),
  revocationLagMs: 8,
  verification: 'gone',
  leaseOwner: 'node-a',
  leaseUntil: new Date(9_000),
  createdAt: new Date(500),
  version: 3,
}

/** Every nullable field null, booleans false: a fresh grant as the shared builder makes it. */
const EMPTY: Grant = aGrant()

const column = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

describe('a patched grant field as its column holds it', () => {
  it.each([
    ['every field set', FILLED],
    ['every nullable field null', EMPTY],
  ])('converts each field as the whole row does (%s)', (_, grant) => {
    const row = toRow(grant, grant.version) as unknown as Record<string, unknown>
    const fields = (Object.keys(grant) as Array<keyof Grant>).filter((f) => f !== 'id' && f !== 'version')
    expect(fields).toHaveLength(26)
    for (const field of fields) expect([field, columnValue(grant, field)]).toEqual([field, row[column(field)]])
  })
})
