import { describe, expect, it } from 'vitest'
import { JobQueue, LATE_SHARE, RevocationQueues } from './revocation-queues.js'

function queues(urgent: number, due: number, late: number): RevocationQueues {
  const q = new RevocationQueues()
  for (let i = 0; i < urgent; i++) q.urgent.push(`u${String(i)}`)
  for (let i = 0; i < due; i++) q.due.push(`d${String(i)}`)
  for (let i = 0; i < late; i++) q.late.push(`l${String(i)}`)
  return q
}

const kinds = (ids: string[]) => ids.map((id) => id[0]).join('')

describe('RevocationQueues.take', () => {
  it('takes urgent first, then expiries fired on time, then those loaded overdue', () => {
    const q = queues(2, 3, 4)
    expect(q.take(100)).toEqual(['u0', 'u1', 'd0', 'd1', 'd2', 'l0', 'l1', 'l2', 'l3'])
    expect(q.size).toBe(0)
    expect(q.take(100)).toEqual([])
  })

  it('gives the late queue its share of a batch that fresh expiries alone would fill', () => {
    const q = queues(0, 2_000, 2_000)
    const batch = q.take(500)
    const late = Math.ceil(500 * LATE_SHARE)
    expect(kinds(batch)).toBe('d'.repeat(500 - late) + 'l'.repeat(late))
    // In order within each queue, nothing lost or taken twice.
    expect(batch.slice(0, 3)).toEqual(['d0', 'd1', 'd2'])
    expect(batch.at(-1)).toBe(`l${String(late - 1)}`)
    expect(q.size).toBe(4_000 - 500)
  })

  it('reserves no more than the late queue holds, and gives unused places to the others', () => {
    expect(kinds(queues(0, 600, 3).take(500))).toBe('d'.repeat(497) + 'lll')
    expect(kinds(queues(0, 10, 900).take(500))).toBe('d'.repeat(10) + 'l'.repeat(490))
    expect(kinds(queues(0, 0, 900).take(500))).toBe('l'.repeat(500))
  })

  it('lets urgent revocations fill a batch before either', () => {
    expect(kinds(queues(500, 10, 10).take(500))).toBe('u'.repeat(500))
    expect(kinds(queues(495, 10, 10).take(500))).toBe('u'.repeat(495) + 'lllll')
  })
})

describe('JobQueue', () => {
  it('is first in, first out across its compaction', () => {
    const q = new JobQueue<number>()
    const out: number[] = []
    for (let i = 0; i < 5_000; i++) {
      q.push(i)
      if (i % 3 === 0) out.push(q.shift() ?? -1)
    }
    while (q.size > 0) out.push(q.shift() ?? -1)
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i))
    expect(q.shift()).toBeUndefined()
  })
})
