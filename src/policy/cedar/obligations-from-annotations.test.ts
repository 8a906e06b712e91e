import { describe, expect, it } from 'vitest'
import { NO_OBLIGATIONS } from '../../domain/obligations.js'
import { obligationsFromAnnotations } from './obligations-from-annotations.js'

describe('obligationsFromAnnotations', () => {
  it('reads every obligation annotation', () => {
    const { obligations, problems } = obligationsFromAnnotations(
      {
        id: 'p',
        description: 'why',
        approvals: '3',
        owner_approval: 'true',
        approver_group: ' security ,audit,security',
        max_duration: 'PT1H30M',
        ticket_required: 'true',
      },
      'permit',
    )
    expect(problems).toEqual([])
    expect(obligations).toEqual({
      approvals: 3,
      ownerApproval: true,
      approverGroups: ['audit', 'security'],
      maxDurationSeconds: 5400,
      ticketRequired: true,
    })
  })

  it('gives no obligations for a permit without obligation annotations', () => {
    expect(obligationsFromAnnotations({ id: 'p' }, 'permit')).toEqual({
      obligations: NO_OBLIGATIONS,
      problems: [],
    })
    expect(
      obligationsFromAnnotations({ id: 'p', owner_approval: 'false' }, 'permit').obligations,
    ).toEqual(NO_OBLIGATIONS)
  })

  it.each([
    [{ approvals: '-1' }, /@approvals\("-1"\) must be a whole number from 0 to 10/],
    [{ approvals: '11' }, /@approvals\("11"\)/],
    [{ approvals: '1.5' }, /@approvals\("1\.5"\)/],
    [{ approvals: null }, /@approvals needs a value/],
    [{ owner_approval: 'TRUE' }, /@owner_approval\("TRUE"\) must be "true" or "false"/],
    [{ ticket_required: '1' }, /@ticket_required\("1"\)/],
    [{ approver_group: '' }, /invalid: ""/],
    [{ approver_group: 'a b' }, /invalid: "a b"/],
    [{ max_duration: '0s' }, /@max_duration\("0s"\) is not a valid duration/],
    [{ max_duration: '400d' }, /@max_duration\("400d"\)/],
    [{ maxduration: 'PT1H' }, /unknown annotation @maxduration/],
    [{ approvals: '0', owner_approval: 'true' }, /fewer than the 1 approval/],
    [{ approvals: '1', approver_group: 'a,b' }, /fewer than the 2 approval/],
  ])('rejects %o', (annotations, pattern) => {
    const { problems } = obligationsFromAnnotations({ id: 'p', ...annotations }, 'permit')
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(pattern)
  })

  it('refuses obligations on forbids, where they could never apply', () => {
    const { problems } = obligationsFromAnnotations(
      { id: 'f', max_duration: 'PT1H', description: 'd' },
      'forbid',
    )
    expect(problems).toEqual(['@max_duration is an obligation and only applies to permit policies'])
  })
})
