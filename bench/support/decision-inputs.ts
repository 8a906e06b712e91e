import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Entitlement } from '../../src/domain/catalog.js'
import type { Identity } from '../../src/domain/identity.js'
import type { DecisionInput } from '../../src/policy/policy-engine.js'
import { SAMPLES_DIR } from './paths.js'

interface SampleIdentity {
  id: string
  kind: Identity['kind']
  displayName: string
  groups: string[]
}

interface SampleEntitlement {
  id: string
  name: string
  description: string
  targetId: string
  riskTier: Entitlement['riskTier']
  owners: string[]
  params: Record<string, unknown>
  subjectKinds: string[]
}

const EPOCH = new Date(0)

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(SAMPLES_DIR, file), 'utf8'))
}

function sampleIdentity(id: string): Identity {
  const { identities } = readJson('identities.json') as { identities: SampleIdentity[] }
  const found = identities.find((i) => i.id === id)
  if (!found) throw new Error(`sample identity ${id} is missing`)
  return {
    ...found,
    email: null,
    status: 'active',
    ownerId: null,
    purpose: null,
    oidcIssuer: null,
    oidcSubject: null,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    version: 1,
  }
}

function sampleEntitlement(id: string): Entitlement {
  const { entitlements } = readJson('catalog.json') as { entitlements: SampleEntitlement[] }
  const found = entitlements.find((e) => e.id === id)
  if (!found) throw new Error(`sample entitlement ${id} is missing`)
  return {
    ...found,
    defaultDurationSeconds: 3600,
    maxDurationSeconds: 8 * 3600,
    createdAt: EPOCH,
    updatedAt: EPOCH,
  }
}

/**
 * The two decisions an auto-approved request needs, as the use cases build them: alice asks for
 * the low-risk `orders-read` (jwt target) for an hour, then issuance re-checks it.
 */
export function autoApprovedDecisions(now: Date): {
  request: DecisionInput
  activate: DecisionInput
} {
  const alice = sampleIdentity('alice')
  const entitlement = sampleEntitlement('orders-read')
  const target = { id: entitlement.targetId, kind: 'jwt' }
  const context = { durationSeconds: 3600, hasTicket: false, now: Math.floor(now.getTime() / 1000) }
  const base = { principal: alice, subject: alice, entitlement, target, context }
  return {
    request: { ...base, action: 'request' },
    activate: {
      ...base,
      action: 'activate',
      request: {
        id: 'req_bench',
        requesterId: alice.id,
        subjectId: alice.id,
        durationSeconds: 3600,
        ticketRef: null,
        revocationCondition: 'expiry',
      },
    },
  }
}
