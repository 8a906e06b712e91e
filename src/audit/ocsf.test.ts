import { describe, expect, it } from 'vitest'
import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditEventType } from '../domain/audit-event.js'
import { ocsfClassOf, toOcsf } from './ocsf.js'

const PRODUCT = { name: 'Hourglass', vendorName: 'Hourglass', version: '9.9.9' }

function event(type: AuditEventType, over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    seq: 42,
    id: 'aud_1',
    at: new Date('2026-11-23T09:00:00.123Z'),
    type,
    actor: 'alice',
    requestId: 'req_1',
    grantId: 'grt_1',
    data: {},
    prevHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
    ...over,
  }
}

describe('OCSF mapping of audit events', () => {
  it('maps every event type to a class with a consistent type_uid and keeps the rest under unmapped', () => {
    for (const type of AUDIT_EVENT_TYPES) {
      const o = toOcsf(event(type, { data: { note: 'x' } }), PRODUCT)
      expect(o.type_uid).toBe(o.class_uid * 100 + o.activity_id)
      expect([3001, 3002, 3005, 6003]).toContain(o.class_uid)
      expect(o.time).toBe(Date.parse('2026-11-23T09:00:00.123Z'))
      expect(o.metadata).toMatchObject({ sequence: 42, uid: 'aud_1', product: { name: 'Hourglass', vendor_name: 'Hourglass', version: '9.9.9' } })
      expect(o.unmapped).toEqual({
        type,
        request_id: 'req_1',
        grant_id: 'grt_1',
        data: { note: 'x' },
        prev_hash: 'a'.repeat(64),
        hash: 'b'.repeat(64),
      })
    }
  })

  it.each([
    ['grant.activated', 3005, 1, 1],
    ['grant.revoked', 3005, 2, 1],
    ['grant.irrevocable', 3005, 2, 2],
    ['identity.created', 3001, 1, 1],
    ['exchange.refused', 3002, 3, 2],
    ['request.submitted', 6003, 1, 1],
    ['request.denied_by_policy', 6003, 1, 2],
    ['grant.credential_retrieved', 6003, 2, 1],
  ] as const)('%s → class %i activity %i status %i', (type, classUid, activityId, statusId) => {
    expect(ocsfClassOf(type)).toEqual({ classUid, activityId })
    expect(toOcsf(event(type), PRODUCT)).toMatchObject({ class_uid: classUid, activity_id: activityId, status_id: statusId })
  })

  it('names the grant subject and entitlement from the request facts when the event does not', () => {
    const o = toOcsf(event('grant.activated', { actor: 'system:w1' }), PRODUCT, { subjectId: 'bob', entitlementId: 'orders-read' })
    expect(o).toMatchObject({ user: { uid: 'bob' }, privileges: ['orders-read'], resource: { uid: 'grt_1' } })
    expect(o.actor).toEqual({ app_name: 'Hourglass', app_uid: 'system:w1' })
  })

  it('puts a person actor under actor.user and a failure reason in status_detail', () => {
    const o = toOcsf(event('grant.revoke_failed', { data: { error: 'target unreachable' } }), PRODUCT)
    expect(o).toMatchObject({ actor: { user: { uid: 'alice' } }, status: 'Failure', status_detail: 'target unreachable' })
  })

  it('marks break-glass use high severity and irrevocable grants critical', () => {
    expect(toOcsf(event('breakglass.used'), PRODUCT)).toMatchObject({ severity_id: 4, severity: 'High' })
    expect(toOcsf(event('grant.irrevocable'), PRODUCT)).toMatchObject({ severity_id: 5 })
    expect(toOcsf(event('request.approved'), PRODUCT)).toMatchObject({ severity_id: 1 })
  })

  it('gives API Activity events the operation and the request and grant as resources', () => {
    const o = toOcsf(event('request.approved'), PRODUCT)
    expect(o).toMatchObject({
      api: { operation: 'request.approved' },
      resources: [
        { uid: 'req_1', type: 'request' },
        { uid: 'grt_1', type: 'grant' },
      ],
      metadata: { correlation_uid: 'req_1' },
    })
  })
})
