import { describe, expect, it } from 'vitest'
import { ConnectorError } from '../connector.js'
import { run, type PgClient } from './pg-client.js'

const hanging: PgClient = {
  query: () => new Promise(() => undefined),
  end: () => Promise.resolve(),
}

describe('running a statement', () => {
  it('gives up with a retryable unreachable error when the signal aborts', async () => {
    const controller = new AbortController()
    const pending = run(hanging, controller.signal, 'step', 'SELECT 1')
    controller.abort()
    const error: unknown = await pending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectorError)
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
  })

  it('does not start a statement once the signal has aborted', async () => {
    let calls = 0
    const counting: PgClient = {
      query: () => {
        calls++
        return Promise.resolve({ rows: [] })
      },
      end: () => Promise.resolve(),
    }
    await expect(run(counting, AbortSignal.abort(), 's', 'SELECT 1')).rejects.toBeInstanceOf(
      ConnectorError,
    )
    expect(calls).toBe(0)
  })

  it('maps driver failures, and a late failure after an abort goes nowhere', async () => {
    let fail: (e: Error) => void = () => undefined
    const late: PgClient = {
      query: () =>
        new Promise((_, reject) => {
          fail = reject
        }),
      end: () => Promise.resolve(),
    }
    const controller = new AbortController()
    const pending = run(late, controller.signal, 'step', 'SELECT 1')
    controller.abort()
    await expect(pending).rejects.toMatchObject({ reason: 'unreachable' })
    fail(Object.assign(new Error('late'), { code: '42501' }))

    const denied: PgClient = {
      query: () => Promise.reject(Object.assign(new Error('permission denied'), { code: '42501' })),
      end: () => Promise.resolve(),
    }
    await expect(run(denied, new AbortController().signal, 's', 'x')).rejects.toMatchObject({
      reason: 'rejected',
      retryable: false,
    })
  })
})
