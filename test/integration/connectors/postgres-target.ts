/**
 * A PostgreSQL target for the postgres connector tests: a fresh database, and roles named with a
 * random tag, because roles are cluster-wide and other test files share the cluster.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { Secret } from '../../../src/config/secret.js'
import type { ConnectorDeps, GrantSpec } from '../../../src/connectors/connector.js'
import {
  postgresConnector,
  type PostgresConnectorInstance,
} from '../../../src/connectors/postgres/index.js'
import { generatePassword, scramVerifier } from '../../../src/connectors/postgres/scram.js'
import { redactSecrets } from '../../../src/connectors/redact-secrets.js'
import type { Access } from '../../contracts/connector.contract.js'
import { MemoryConnectorState } from '../../support/memory-connector-state.js'
import { freshPgDatabase } from '../../support/services.js'

const MINUTE = 60_000

export interface PgTarget {
  tag: string
  /** The managed-role prefix of this target, unique to it. */
  prefix: string
  appRead: string
  legacy: string
  connectorUser: string
  connectorPassword: string
  state: MemoryConnectorState
  instance: PostgresConnectorInstance
  /** Raw target configuration, as a catalog would hold it. */
  rawConfig: Record<string, unknown>
  /** Another instance of the same target, e.g. with other config or state. */
  createInstance(
    overrides?: Record<string, unknown>,
    deps?: Partial<ConnectorDeps>,
  ): PostgresConnectorInstance
  spec(overrides?: Partial<GrantSpec>): GrantSpec
  checkoutSpec(overrides?: Partial<GrantSpec>): GrantSpec
  /** Logs in with the issued URI over TCP (scram) and reads `orders`. */
  use: (credential: Secret) => Promise<Access>
  /** A logged-in session on the issued credential, held open by the test. */
  connect(credential: Secret): Promise<pg.Client>
  /** A query as the superuser, in the target database. */
  admin<R = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<R[]>
  teardown: () => Promise<void>
}

export async function startPgTarget(baseUrl: string): Promise<PgTarget> {
  const database = await freshPgDatabase(baseUrl)
  const url = new URL(database.url)
  const tag = randomBytes(3).toString('hex')
  const names = {
    prefix: `h${tag}_`,
    appRead: `app_read_${tag}`,
    legacy: `legacy_app_${tag}`,
    connectorUser: `conn_${tag}`,
  }
  const connectorPassword = generatePassword()
  const superuser = new pg.Pool({ connectionString: database.url, max: 2 })
  superuser.on('error', () => undefined)
  const admin = async <R>(sql: string, values?: unknown[]): Promise<R[]> =>
    (await superuser.query(sql, values)).rows as R[]
  await prepareTarget(admin, names, connectorPassword)

  const rawConfig = {
    host: url.hostname,
    port: Number(url.port),
    database: url.pathname.slice(1),
    user: names.connectorUser,
    password: connectorPassword,
    rolePrefix: names.prefix,
    statementTimeoutMs: 5000,
  }
  const state = new MemoryConnectorState()
  const instances: PostgresConnectorInstance[] = []
  const createInstance = (
    overrides: Record<string, unknown> = {},
    deps: Partial<ConnectorDeps> = {},
  ): PostgresConnectorInstance => {
    // What the registry does, until the lead registers the kind there.
    const config = postgresConnector.configSchema.parse({ ...rawConfig, ...overrides })
    const created = postgresConnector.create(config, {
      now: () => new Date(),
      newId: (prefix) => `${prefix}_${randomBytes(4).toString('hex')}`,
      state,
      ...deps,
    })
    const instance = redactSecrets(created, () => [config.password.reveal()])
    instances.push(instance)
    return instance
  }
  let grants = 0
  const spec = (overrides: Partial<GrantSpec> = {}): GrantSpec => {
    const grantId = `grt_${tag}${++grants}${randomBytes(4).toString('hex')}`
    const now = Date.now()
    return {
      grantId,
      targetName: `hg_${grantId}`,
      subjectId: 'idn_alice',
      entitlementId: 'orders-read',
      params: { mode: 'role', grantRole: names.appRead },
      startsAt: new Date(now),
      expiresAt: new Date(now + 30 * MINUTE),
      ...overrides,
    }
  }
  const connect = async (credential: Secret): Promise<pg.Client> => {
    const client = new pg.Client({
      connectionString: credential.reveal(),
      connectionTimeoutMillis: 5000,
    })
    client.on('error', () => undefined)
    await client.connect()
    return client
  }
  const use = async (credential: Secret): Promise<Access> => {
    let client: pg.Client | undefined
    try {
      client = await connect(credential)
      await client.query('SELECT count(*) FROM orders')
      return 'allowed'
    } catch {
      return 'denied'
    } finally {
      await client?.end().catch(() => undefined)
    }
  }
  return {
    tag,
    ...names,
    connectorPassword,
    state,
    rawConfig,
    instance: createInstance(),
    createInstance,
    spec,
    checkoutSpec: (overrides = {}) =>
      spec({ params: { mode: 'checkout', account: names.legacy }, ...overrides }),
    use,
    connect,
    admin,
    teardown: async () => {
      for (const instance of instances) await instance.close()
      await superuser.end()
      await database.drop()
      // Roles are cluster-wide: drop them from the base database once this one is gone.
      const base = new pg.Pool({ connectionString: baseUrl, max: 1 })
      try {
        const onBase = async <R>(sql: string, values?: unknown[]): Promise<R[]> =>
          (await base.query(sql, values)).rows as R[]
        await dropTaggedRoles(onBase, tag, names.connectorUser)
      } finally {
        await base.end()
      }
    },
  }
}

type Admin = <R>(sql: string, values?: unknown[]) => Promise<R[]>

/** The target-side setup docs/connectors/postgres.md asks an operator for, and the test data. */
async function prepareTarget(
  admin: Admin,
  names: { appRead: string; legacy: string; connectorUser: string },
  connectorPassword: string,
): Promise<void> {
  const { appRead, legacy, connectorUser } = names
  const [{ version } = { version: 0 }] = await admin<{ version: number }>(
    "SELECT current_setting('server_version_num')::int AS version",
  )
  const verifier = await scramVerifier(connectorPassword)
  const legacyVerifier = await scramVerifier(generatePassword())
  await admin(`
    CREATE ROLE ${connectorUser} LOGIN CREATEROLE PASSWORD '${verifier}';
    GRANT pg_signal_backend TO ${connectorUser};
    CREATE ROLE ${appRead} NOLOGIN;
    CREATE ROLE ${legacy} LOGIN PASSWORD '${legacyVerifier}';
    CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL);
    INSERT INTO orders VALUES (1, 'tea'), (2, 'cake');
    CREATE TABLE payroll (id int PRIMARY KEY, salary int NOT NULL);
    INSERT INTO payroll VALUES (1, 100000);
    GRANT SELECT ON orders TO ${appRead}, ${legacy};
    CREATE SCHEMA scratch;
    GRANT USAGE, CREATE ON SCHEMA scratch TO ${appRead};
  `)
  // From 16, CREATEROLE manages only roles it holds ADMIN OPTION on (and those it creates).
  if (version >= 160_000) {
    await admin(`
      GRANT ${appRead} TO ${connectorUser} WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;
      GRANT ${legacy} TO ${connectorUser} WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;
    `)
  }
}

/** Per-grant roles first, the connector login last: it is the grantor of their memberships. */
async function dropTaggedRoles(admin: Admin, tag: string, connectorUser: string): Promise<void> {
  const roles = await admin<{ rolname: string }>(
    'SELECT rolname FROM pg_roles WHERE position($1 in rolname) > 0 ORDER BY rolname = $2',
    [tag, connectorUser],
  )
  for (const { rolname } of roles) {
    await admin(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(rolname)}`)
  }
}
