import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TargetAccess } from '../../../src/connectors/connector.js'
import { roleNameFor } from '../../../src/connectors/postgres/index.js'
import { pgUrlOrSkip } from '../../support/services.js'
import { startPgTarget, type PgTarget } from './postgres-target.js'

const baseUrl = pgUrlOrSkip()
const options = () => ({ signal: AbortSignal.timeout(15_000) })

describe.skipIf(baseUrl === null)('postgres connector reconciliation', () => {
  let t: PgTarget
  let alice: string
  const scope = () => ({
    params: [
      { mode: 'role', grantRole: t.appRead },
      { mode: 'checkout', account: t.legacy },
      { mode: 'role', grantRole: 'x" SUPERUSER' },
    ],
  })
  const list = async (): Promise<TargetAccess[]> =>
    (await t.instance.list(scope(), options())).sort((a, b) => a.key.localeCompare(b.key))
  const exists = async (role: string): Promise<boolean> =>
    (await t.admin('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length === 1

  beforeEach(async () => {
    t = await startPgTarget(baseUrl!)
    alice = `alice_${t.tag}`
    await t.admin(`CREATE ROLE ${alice} LOGIN; GRANT ${t.appRead} TO ${alice}`)
  })
  afterEach(async () => {
    await t.teardown()
  })

  it('finds shadow members, issued roles and roles left behind by a crash', async () => {
    const spec = t.spec()
    const issued = await t.instance.issue(spec, options())
    // Too long to encode in 63 bytes: a hashed name, its grant recorded in connector state.
    const longSpec = t.spec({ grantId: `grt_${t.tag}_${'x'.repeat(70)}` })
    const long = await t.instance.issue(longSpec, options())
    expect(long.handle.role).toMatch(/_z[a-z2-7]{32}$/)
    const crashedId = `grt_${t.tag}_crashed`
    const crashed = roleNameFor(t.prefix, crashedId)
    // What a crash between CREATE ROLE and the membership grant would leave.
    await t.admin(`CREATE ROLE ${crashed} LOGIN`)
    const checkout = t.checkoutSpec()
    await t.instance.issue(checkout, options())

    const member = (principal: string, grantId: string | null): TargetAccess => ({
      key: `member:${principal}:${t.appRead}`,
      principal,
      grantId,
      privileges: [t.appRead],
    })
    const expected: TargetAccess[] = [
      {
        key: `checkout:${t.legacy}`,
        principal: t.legacy,
        grantId: checkout.grantId,
        privileges: ['checkout'],
      },
      member(alice, null),
      member(String(issued.handle.role), spec.grantId),
      member(String(long.handle.role), longSpec.grantId),
      { key: `role:${crashed}`, principal: crashed, grantId: crashedId, privileges: [] },
    ]
    expect(await list()).toEqual(expected.sort((a, b) => a.key.localeCompare(b.key)))
  })

  it('removes a shadow member’s membership only, never the role', async () => {
    const [shadow] = (await list()).filter((e) => e.principal === alice)
    expect(shadow).toMatchObject({ grantId: null })
    await t.instance.removeAccess(shadow!, options())
    await t.instance.removeAccess(shadow!, options())
    expect(await exists(alice)).toBe(true)
    expect((await list()).filter((e) => e.principal === alice)).toEqual([])
  })

  it('drops a lingering role it made, and only revokes from a look-alike it did not', async () => {
    const crashed = roleNameFor(t.prefix, `grt_${t.tag}_crashed`)
    const lookAlike = `${t.prefix}_zhandmade`
    await t.admin(`CREATE ROLE ${crashed} LOGIN; CREATE ROLE ${lookAlike} IN ROLE ${t.appRead}`)
    for (const entry of await list()) {
      if (entry.principal === crashed || entry.principal === lookAlike) {
        await t.instance.removeAccess(entry, options())
      }
    }
    expect(await exists(crashed)).toBe(false)
    expect(await exists(lookAlike)).toBe(true)
    expect((await list()).map((e) => e.principal)).toEqual([alice, lookAlike])
  })

  it('revokes an issued role in full when its entry is removed', async () => {
    const issued = await t.instance.issue(t.spec(), options())
    const [entry] = (await list()).filter((e) => e.principal === issued.handle.role)
    await t.instance.removeAccess(entry!, options())
    expect(await exists(String(issued.handle.role))).toBe(false)
    expect(await t.use(issued.credential)).toBe('denied')
  })

  it('checks in a checkout no grant backs', async () => {
    const issued = await t.instance.issue(t.checkoutSpec(), options())
    const [entry] = (await list()).filter((e) => e.key.startsWith('checkout:'))
    await t.instance.removeAccess(entry!, options())
    expect(await t.use(issued.credential)).toBe('denied')
    expect((await list()).filter((e) => e.key.startsWith('checkout:'))).toEqual([])
    expect(await exists(t.legacy)).toBe(true)
  })

  it('never removes the connector’s own access', async () => {
    const entry = {
      key: `member:${t.connectorUser}:${t.appRead}`,
      principal: t.connectorUser,
      grantId: null,
      privileges: [t.appRead],
    }
    await expect(t.instance.removeAccess(entry, options())).rejects.toMatchObject({
      reason: 'rejected',
    })
    expect((await list()).map((e) => e.principal)).not.toContain(t.connectorUser)
  })
})
