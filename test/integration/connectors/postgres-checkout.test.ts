import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Secret } from '../../../src/config/secret.js'
import { ConnectorError } from '../../../src/connectors/connector.js'
import { generatePassword, scramVerifier } from '../../../src/connectors/postgres/scram.js'
import { pgUrlOrSkip } from '../../support/services.js'
import { startPgTarget, type PgTarget } from './postgres-target.js'

const baseUrl = pgUrlOrSkip()
const options = () => ({ signal: AbortSignal.timeout(15_000) })

describe.skipIf(baseUrl === null)('postgres connector (checkout of a shared account)', () => {
  let t: PgTarget
  beforeEach(async () => {
    t = await startPgTarget(baseUrl!)
  })
  afterEach(async () => {
    await t.teardown()
  })

  const failure = (operation: Promise<unknown>): Promise<unknown> =>
    operation.then(
      () => undefined,
      (e: unknown) => e,
    )

  it('hands the account to one grant at a time and rotates the password on check-in', async () => {
    const first = t.checkoutSpec()
    const second = t.checkoutSpec()
    const issued = await t.instance.issue(first, options())
    expect(issued.handle).toEqual({ mode: 'checkout', account: t.legacy, grantId: first.grantId })
    expect(await t.use(issued.credential)).toBe('allowed')

    const conflict = await failure(t.instance.issue(second, options()))
    expect(conflict).toBeInstanceOf(ConnectorError)
    expect(conflict).toMatchObject({ reason: 'conflict', retryable: true })
    expect(await t.use(issued.credential)).toBe('allowed')

    const session = await t.connect(issued.credential)
    try {
      await t.instance.revoke(issued.handle, options())
      await expect(session.query('SELECT count(*) FROM orders')).rejects.toThrow()
    } finally {
      await session.end().catch(() => undefined)
    }
    expect(await t.use(issued.credential)).toBe('denied')
    expect(await t.instance.inspect(issued.handle, options())).toBe('gone')

    const next = await t.instance.issue(second, options())
    expect(await t.use(next.credential)).toBe('allowed')
    expect(await t.use(issued.credential)).toBe('denied')
    expect(await t.instance.inspect(next.handle, options())).toBe('live')
    await t.instance.revoke(next.handle, options())
    await t.instance.revoke(next.handle, options())
    expect(await t.use(next.credential)).toBe('denied')
  })

  it('re-issues to the same grant with a fresh password, and refuses it after check-in', async () => {
    const spec = t.checkoutSpec()
    const first = await t.instance.issue(spec, options())
    const again = await t.instance.issue(spec, options())
    expect(again.handle).toEqual(first.handle)
    expect(await t.use(again.credential)).toBe('allowed')
    expect(await t.use(first.credential)).toBe('denied')
    await t.instance.revoke(again.handle, options())
    const error = await failure(t.instance.issue(spec, options()))
    expect(error).toMatchObject({ reason: 'conflict', retryable: false })
  })

  it('checks in by intent handle when issuance crashed before its handle was stored', async () => {
    const spec = t.checkoutSpec()
    const issued = await t.instance.issue(spec, options())
    const intent = { grantId: spec.grantId, targetName: spec.targetName, intent: true }
    await t.instance.revoke(intent, options())
    expect(await t.use(issued.credential)).toBe('denied')
    expect(await t.instance.inspect(intent, options())).toBe('gone')
    const next = await t.instance.issue(t.checkoutSpec(), options())
    expect(await t.use(next.credential)).toBe('allowed')
  })

  it('disconnects whoever used the shared account before the checkout', async () => {
    const password = generatePassword()
    await t.admin(`ALTER ROLE ${t.legacy} PASSWORD '${await scramVerifier(password)}'`)
    const url = new URL(`postgresql://127.0.0.1/${String(t.rawConfig.database)}`)
    url.port = String(t.rawConfig.port)
    url.username = t.legacy
    url.password = password
    const before = new Secret(url.toString())
    const session = await t.connect(before)
    try {
      await t.instance.issue(t.checkoutSpec(), options())
      await expect(session.query('SELECT 1')).rejects.toThrow()
    } finally {
      await session.end().catch(() => undefined)
    }
    expect(await t.use(before)).toBe('denied')
  })

  it('gives a contested account to exactly one of two processes', async () => {
    const other = t.createInstance()
    const results = await Promise.allSettled([
      t.instance.issue(t.checkoutSpec(), options()),
      other.issue(t.checkoutSpec(), options()),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    expect(won).toHaveLength(1)
    const lost = results.find((r) => r.status === 'rejected')
    expect(lost?.reason).toMatchObject({ reason: 'conflict', retryable: true })
    expect(await t.use(won[0]!.value.credential)).toBe('allowed')
  })

  it('refuses accounts it must not manage', async () => {
    const cases = [
      [t.connectorUser, 'rejected'],
      ['postgres', 'rejected'],
      [`${t.prefix}x`, 'rejected'],
      [`app_read_${t.tag}`, 'rejected'],
      [`missing_${t.tag}`, 'not-found'],
    ] as const
    for (const [account, reason] of cases) {
      const spec = t.checkoutSpec({ params: { mode: 'checkout', account } })
      const error = await failure(t.instance.issue(spec, options()))
      expect(error, account).toMatchObject({ reason, retryable: false })
    }
  })
})
