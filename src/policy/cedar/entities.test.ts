import { describe, expect, it } from 'vitest'
import type { DecisionInput } from '../policy-engine.js'
import { buildCedarRequest, CEDAR_TYPES, DecisionInputError } from './entities.js'
import { parsePolicyTests } from './policy-test-cases.js'

function input(spec: Record<string, unknown>): DecisionInput {
  const [testCase] = parsePolicyTests(
    {
      fixtures: {
        identities: {
          alice: { groups: ['eng', 'oncall', 'eng'] },
          bob: { groups: ['security'] },
          'ci-bot': { kind: 'workload', owner: 'alice', groups: ['pipelines'] },
        },
        entitlements: {
          db: { risk: 'high', owners: ['bob', 'carol', 'bob'], targetKind: 'postgres' },
        },
      },
      cases: [
        {
          name: 'x',
          principal: 'alice',
          action: 'request',
          entitlement: 'db',
          expect: 'allow',
          ...spec,
        },
      ],
    },
    'entities.test',
  )
  return testCase!.input
}

const identity = (id: string): { type: string; id: string } => ({ type: CEDAR_TYPES.identity, id })

describe('buildCedarRequest', () => {
  it('sends two entities for a request for oneself: the principal and the entitlement', () => {
    const r = buildCedarRequest(
      input({ context: { durationSeconds: 600, hasTicket: true, now: 42 } }),
    )
    expect(r.entities.map((e) => `${e.uid.type}::${e.uid.id}`)).toEqual([
      'Hourglass::Identity::alice',
      'Hourglass::Entitlement::db',
    ])
    expect(r.principal).toEqual(identity('alice'))
    expect(r.action).toEqual({ type: CEDAR_TYPES.action, id: 'request' })
    expect(r.resource).toEqual({ type: CEDAR_TYPES.entitlement, id: 'db' })
    expect(r.context).toEqual({
      subject: { __entity: identity('alice') },
      durationSeconds: 600,
      hasTicket: true,
      now: 42,
    })
  })

  it('lists groups as direct parents and sends no Group entities', () => {
    const [alice] = buildCedarRequest(input({})).entities
    expect(alice?.parents).toEqual([
      { type: CEDAR_TYPES.group, id: 'eng' },
      { type: CEDAR_TYPES.group, id: 'oncall' },
    ])
    expect(alice?.attrs).toEqual({ kind: 'human', status: 'active' })
  })

  it('sends owners, the requester and an NHI owner as references, not entities', () => {
    const r = buildCedarRequest(input({ subject: 'ci-bot' }))
    expect(r.entities).toHaveLength(3)
    const [, bot, db] = r.entities
    expect(bot?.attrs).toEqual({
      kind: 'workload',
      status: 'active',
      owner: { __entity: identity('alice') },
    })
    expect(db?.attrs).toEqual({
      risk: 'high',
      owners: [{ __entity: identity('bob') }, { __entity: identity('carol') }],
      targetKind: 'postgres',
    })
  })

  it('sends at most four entities for a review, with the request as the resource', () => {
    const r = buildCedarRequest(
      input({
        principal: 'bob',
        action: 'review',
        subject: 'ci-bot',
        request: { requester: 'alice', ticketRef: 'T-1', durationSeconds: 900 },
      }),
    )
    expect(r.entities.map((e) => e.uid.id)).toEqual(['bob', 'ci-bot', 'db', 'req_test'])
    expect(r.resource).toEqual({ type: CEDAR_TYPES.request, id: 'req_test' })
    expect(r.entities[3]?.attrs).toEqual({
      requester: { __entity: identity('alice') },
      subject: { __entity: identity('ci-bot') },
      entitlement: { __entity: { type: CEDAR_TYPES.entitlement, id: 'db' } },
      durationSeconds: 900,
      hasTicket: true,
    })
  })

  it('sends three entities when activating a request for oneself', () => {
    const r = buildCedarRequest(input({ action: 'activate', request: {} }))
    expect(r.entities.map((e) => e.uid.id)).toEqual(['alice', 'db', 'req_test'])
  })

  it('refuses inputs that would make Cedar guess', () => {
    expect(() => buildCedarRequest(input({ action: 'review' }))).toThrow(DecisionInputError)
    const activate = input({ action: 'activate', request: {} })
    const wrongSubject = { ...activate, request: { ...activate.request!, subjectId: 'bob' } }
    expect(() => buildCedarRequest(wrongSubject)).toThrow(/not the request's subject/)
    const late = input({})
    late.context.now = Number.NaN
    expect(() => buildCedarRequest(late)).toThrow(/context\.now must be a whole number/)
  })
})
