import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError } from '../../../src/connectors/connector.js'
import {
  findPostgresBin,
  isCi,
  startPostgres,
  type RunningService,
} from '../../support/services.js'
import { startPgTarget, type PgTarget } from './postgres-target.js'

/** A cluster of its own: this file stops it, which must not disturb any other test. */
const bin = await findPostgresBin()
if (bin === null && isCi())
  throw new Error('CI=true but no PostgreSQL server binaries are installed')
if (bin === null)
  console.warn('\n!!! SKIPPING postgres unreachable test: no PostgreSQL binaries !!!\n')

const options = () => ({ signal: AbortSignal.timeout(10_000) })

describe.skipIf(bin === null)('postgres connector when the target goes down (T33)', () => {
  let cluster: RunningService
  let t: PgTarget

  beforeAll(async () => {
    cluster = await startPostgres(bin!)
    t = await startPgTarget(cluster.url)
  })
  afterAll(async () => {
    // The database and roles went with the cluster; only client pools are left to close.
    await t.teardown().catch(() => undefined)
    await cluster.stop().catch(() => undefined)
  })

  it('fails revocation as retryable and unreachable, and never reports it done', async () => {
    const issued = await t.instance.issue(t.spec(), options())
    expect(await t.use(issued.credential)).toBe('allowed')
    await cluster.stop()

    const started = Date.now()
    const error = await t.instance.revoke(issued.handle, options()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectorError)
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
    expect(Date.now() - started).toBeLessThan(10_000)

    // Neither a check nor a retry can pretend the role is gone while the server cannot say.
    await expect(t.instance.inspect(issued.handle, options())).rejects.toMatchObject({
      reason: 'unreachable',
      retryable: true,
    })
    await expect(t.instance.revoke(issued.handle, options())).rejects.toMatchObject({
      reason: 'unreachable',
    })
    await expect(t.instance.issue(t.spec(), options())).rejects.toMatchObject({
      reason: 'unreachable',
      retryable: true,
    })
  })
})
