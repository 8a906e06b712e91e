import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Secret } from '../../../src/config/secret.js'
import { ConnectorError } from '../../../src/connectors/connector.js'
import { postgresConnector } from '../../../src/connectors/postgres/index.js'
import { createPgPool, type PgClient } from '../../../src/connectors/postgres/pg-client.js'
import { createPostgresConnector } from '../../../src/connectors/postgres/postgres-connector.js'
import { describeConnectorContract } from '../../contracts/connector.contract.js'
import { pgUrlOrSkip } from '../../support/services.js'
import { startPgTarget, type PgTarget } from './postgres-target.js'

const baseUrl = pgUrlOrSkip()
const options = () => ({ signal: AbortSignal.timeout(15_000) })

describe.skipIf(baseUrl === null)('postgres connector (role mode)', () => {
  describeConnectorContract('postgres', async () => {
    const target = await startPgTarget(baseUrl!)
    return {
      instance: target.instance,
      spec: () => target.spec(),
      use: target.use,
      teardown: target.teardown,
    }
  })

  describe('against a real server', () => {
    let t: PgTarget
    beforeEach(async () => {
      t = await startPgTarget(baseUrl!)
    })
    afterEach(async () => {
      await t.teardown()
    })

    it('gives the login the target role’s privileges and nothing more', async () => {
      const issued = await t.instance.issue(t.spec(), options())
      const client = await t.connect(issued.credential)
      try {
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM orders')
        expect(rows[0]?.n).toBe('2')
        await expect(client.query('SELECT * FROM payroll')).rejects.toMatchObject({
          code: '42501',
        })
        await expect(client.query(`CREATE ROLE x_${t.tag}`)).rejects.toMatchObject({
          code: '42501',
        })
      } finally {
        await client.end()
      }
      const [role] = await t.admin(
        'SELECT rolcanlogin, rolinherit, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, ' +
          'rolconnlimit, rolvaliduntil FROM pg_roles WHERE rolname = $1',
        [issued.handle.role],
      )
      expect(role).toEqual({
        rolcanlogin: true,
        rolinherit: true,
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
        rolconnlimit: 5,
        rolvaliduntil: issued.expiresAt,
      })
    })

    it('stores only a SCRAM verifier, and the role name is derived from the grant id', async () => {
      const spec = t.spec({ params: { mode: 'role', grantRole: t.appRead, connectionLimit: 2 } })
      const issued = await t.instance.issue(spec, options())
      expect(issued.handle).toEqual({
        mode: 'role',
        role: `${t.prefix}${spec.grantId.replace('_', '__')}`,
        grantRole: t.appRead,
      })
      const [row] = await t.admin<{ rolpassword: string }>(
        'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
        [issued.handle.role],
      )
      const password = new URL(issued.credential.reveal()).password
      expect(row?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/)
      expect(row?.rolpassword).not.toContain(password)
      expect(issued.instructions).toContain('psql')
      expect(issued.instructions).toContain(issued.expiresAt.toISOString())
      expect(issued.instructions).not.toContain(password)
    })

    it('cuts an open session of the role on revoke', async () => {
      const issued = await t.instance.issue(t.spec(), options())
      const session = await t.connect(issued.credential)
      try {
        await session.query('SELECT 1')
        await t.instance.revoke(issued.handle, options())
        await expect(session.query('SELECT count(*) FROM orders')).rejects.toThrow()
      } finally {
        await session.end().catch(() => undefined)
      }
      const left = await t.admin('SELECT 1 FROM pg_stat_activity WHERE usename = $1', [
        issued.handle.role,
      ])
      expect(left).toEqual([])
    })

    it('revokes a role that created objects: they are kept, owned by the connector', async () => {
      const issued = await t.instance.issue(t.spec(), options())
      const session = await t.connect(issued.credential)
      await session.query('CREATE TABLE scratch.notes (body text)')
      await session.end()
      await t.instance.revoke(issued.handle, options())
      expect(
        await t.admin('SELECT 1 FROM pg_roles WHERE rolname = $1', [issued.handle.role]),
      ).toEqual([])
      const [owner] = await t.admin<{ owner: string }>(
        "SELECT tableowner AS owner FROM pg_tables WHERE schemaname = 'scratch' AND tablename = 'notes'",
      )
      expect(owner?.owner).toBe(t.connectorUser)
      // The membership revoke borrowed in order to reassign is given back.
      const borrowed = await t.admin(
        'SELECT 1 FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid ' +
          'JOIN pg_roles m ON m.oid = am.member WHERE m.rolname = $1 AND r.rolname = $2',
        [t.connectorUser, issued.handle.role],
      )
      expect(borrowed).toEqual([])
    })

    it('refuses to issue again for a grant it already revoked', async () => {
      const spec = t.spec()
      await t.instance.revoke(
        { grantId: spec.grantId, targetName: spec.targetName, intent: true },
        options(),
      )
      const error = await t.instance.issue(spec, options()).catch((e: unknown) => e)
      expect(error).toMatchObject({ reason: 'conflict', retryable: false })
    })

    it('reports an unknown target role as not found, creating nothing', async () => {
      const spec = t.spec({ params: { mode: 'role', grantRole: `nope_${t.tag}` } })
      const error = await t.instance.issue(spec, options()).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConnectorError)
      expect(error).toMatchObject({ reason: 'not-found', retryable: false })
      expect(
        await t.admin('SELECT 1 FROM pg_roles WHERE left(rolname, length($1)) = $1', [t.prefix]),
      ).toEqual([])
    })

    it('issues nothing outside the grant window', async () => {
      const now = Date.now()
      const early = t.spec({ startsAt: new Date(now + 60_000) })
      await expect(t.instance.issue(early, options())).rejects.toMatchObject({
        reason: 'rejected',
        retryable: true,
      })
      const late = t.spec({ startsAt: new Date(now - 120_000), expiresAt: new Date(now - 60_000) })
      await expect(t.instance.issue(late, options())).rejects.toMatchObject({
        reason: 'rejected',
        retryable: false,
      })
      const roles = 'SELECT 1 FROM pg_roles WHERE left(rolname, length($1)) = $1'
      expect(await t.admin(roles, [t.prefix])).toEqual([])
    })

    it.each([
      ['a quote and SUPERUSER', 'x" SUPERUSER'],
      ['an injected statement', 'x"; ALTER ROLE x SUPERUSER; --'],
      ['a Cyrillic look-alike', 'аpp_read'],
      ['64 characters', 'a'.repeat(64)],
    ])('refuses a grantRole with %s before touching the target', async (_name, grantRole) => {
      const spec = t.spec({ params: { mode: 'role', grantRole } })
      const error = await t.instance.issue(spec, options()).catch((e: unknown) => e)
      expect(error).toMatchObject({ reason: 'rejected', retryable: false })
      expect(
        await t.admin('SELECT 1 FROM pg_roles WHERE left(rolname, length($1)) = $1', [t.prefix]),
      ).toEqual([])
    })

    it('refuses a handle naming a role it did not create', async () => {
      for (const role of [t.appRead, t.connectorUser, 'postgres', `${t.prefix}_zshort`]) {
        const error = await t.instance
          .revoke({ mode: 'role', role, grantRole: t.appRead }, options())
          .catch((e: unknown) => e)
        expect(error).toMatchObject({ reason: 'rejected' })
      }
      expect(await t.admin('SELECT 1 FROM pg_roles WHERE rolname = $1', [t.appRead])).toHaveLength(
        1,
      )
    })

    it('reports a login without the privileges it needs', async () => {
      await t.instance.verifyConfig(options())
      await t.admin(`ALTER ROLE ${t.connectorUser} NOCREATEROLE`)
      await t.admin(`REVOKE pg_signal_backend FROM ${t.connectorUser}`)
      const error = await t.instance.verifyConfig(options()).catch((e: unknown) => e)
      expect(error).toMatchObject({ reason: 'rejected', retryable: false })
      expect((error as Error).message).toMatch(/CREATEROLE.*pg_signal_backend/)
      const wrongPassword = t.createInstance({ password: 'not-the-password' })
      const refused = await wrongPassword.verifyConfig(options()).catch((e: unknown) => e)
      expect(refused).toMatchObject({ reason: 'rejected', retryable: false })
      expect(inspect(refused, { showHidden: true, depth: null })).not.toContain('not-the-password')
    })

    it('never sends the server a clear password, in statement text or parameters (T14)', async () => {
      const config = postgresConnector.configSchema.parse(t.rawConfig)
      const pool = createPgPool(config)
      const sent: string[] = []
      const recording: PgClient = {
        query: (text, values) => {
          sent.push(text, JSON.stringify(values ?? []))
          return pool.query(text, values)
        },
        end: () => pool.end(),
      }
      const deps = { now: () => new Date(), newId: (p: string) => `${p}_1`, state: t.state }
      const instance = createPostgresConnector(config, deps, recording)
      try {
        const spec = t.spec()
        const role = await instance.issue(spec, options())
        const again = await instance.issue(spec, options())
        const checkout = await instance.issue(t.checkoutSpec(), options())
        await instance.revoke(checkout.handle, options())
        await instance.revoke(role.handle, options())
        const passwords = [role, again, checkout].map(
          (i) => new URL(i.credential.reveal()).password,
        )
        expect(sent.filter((text) => text.includes('SCRAM-SHA-256$'))).toHaveLength(4)
        for (const password of passwords) {
          for (const text of sent) expect(text).not.toContain(password)
        }
      } finally {
        await instance.close()
      }
    })

    it('keeps the connector password and issued credentials out of every error', async () => {
      const issued = await t.instance.issue(t.spec(), options())
      const password = new URL(issued.credential.reveal()).password
      // A fresh instance, so its pool holds no session from before the login was disabled.
      await t.admin(`ALTER ROLE ${t.connectorUser} NOLOGIN`)
      const refused = t.createInstance()
      const errors = await Promise.all([
        refused.revoke(issued.handle, options()).catch((e: unknown) => e),
        refused.issue(t.spec(), options()).catch((e: unknown) => e),
        refused.issue(t.checkoutSpec(), options()).catch((e: unknown) => e),
        refused
          .issue(t.spec({ params: { mode: 'role', grantRole: password } }), options())
          .catch((e: unknown) => e),
      ])
      for (const error of errors) {
        expect(error).toBeInstanceOf(ConnectorError)
        const text = inspect(error, { showHidden: true, depth: null })
        expect(text).not.toContain(t.connectorPassword)
        expect(text).not.toContain(password)
        expect(text).not.toContain('SCRAM-SHA-256$')
      }
      await t.admin(`ALTER ROLE ${t.connectorUser} LOGIN`)
      await t.instance.revoke(issued.handle, options())
      expect(await t.use(new Secret(issued.credential.reveal()))).toBe('denied')
    })
  })
})
