import { AsyncLocalStorage } from 'node:async_hooks'
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../domain/errors.js'
import type {
  AuditRepository,
  BreakGlassReviewRepository,
  CatalogRepository,
  ConnectorStateRepository,
  ExceptionRepository,
  FindingRepository,
  GrantRepository,
  IdentityRepository,
  NonceRepository,
  OutboxRepository,
  SiemCursorRepository,
  LifecycleNodeRepository,
  ProvisioningRepository,
  Repositories,
  ReportRepository,
  RequestRepository,
  ReviewRepository,
  Store,
  TokenRepository,
  TransactionOptions,
  WorkloadExchangeRepository,
} from '../store.js'
import type { Scope } from './scope.js'
import type { Database, Engine, Executor } from './database.js'
import { repositoriesFor } from './repositories.js'
import { toStoreError } from './store-errors.js'
import { directSqlite, type DirectSqlite, type SqliteConnection } from './direct-sqlite.js'
import { RowCache } from './row-cache.js'
import { holdCatalogAtBegin } from './catalog-lock.js'

interface OpenTransaction {
  open: boolean
}

/**
 * The Store on Kysely, for SQLite and PostgreSQL alike.
 *
 * Inside `transaction(fn)`, fn must use the repositories it is given. Reaching for the store's own
 * repositories there would run outside the transaction (not atomic with it) and, on SQLite's
 * single connection, wait forever for the transaction to end, so it fails fast instead.
 */
export class KyselyStore implements Store {
  readonly engine: Engine
  readonly identities: IdentityRepository
  readonly catalog: CatalogRepository
  readonly requests: RequestRepository
  readonly reviews: ReviewRepository
  readonly grants: GrantRepository
  readonly tokens: TokenRepository
  readonly audit: AuditRepository
  readonly connectorState: ConnectorStateRepository
  readonly findings: FindingRepository
  readonly breakGlassReviews: BreakGlassReviewRepository
  readonly exceptions: ExceptionRepository

  readonly provisioning: ProvisioningRepository
  readonly nonces: NonceRepository
  readonly workloadExchanges: WorkloadExchangeRepository
  readonly outbox: OutboxRepository
  readonly reports: ReportRepository
  readonly siemCursors: SiemCursorRepository
  readonly lifecycleNodes: LifecycleNodeRepository

  readonly #db: Kysely<Database>
  readonly #inTransaction = new AsyncLocalStorage<OpenTransaction>()
  #closed = false

  readonly #sqlite: SqliteConnection | undefined
  readonly #closedHelpers: (() => Promise<void>) | undefined
  readonly #rows: RowCache | undefined

  /** `sqlite`: the connection under a SQLite dialect, for direct statements inside transactions. */
  constructor(db: Kysely<Database>, engine: Engine, sqlite?: SqliteConnection, closed?: () => Promise<void>) {
    this.#db = db
    this.#closedHelpers = closed
    this.engine = engine
    this.#sqlite = sqlite
    const checkUsable = () => {
      this.#checkUsable()
    }
    // checkUsable first: a cached read must fail as fast as a database read would.
    const rows = sqlite ? new RowCache(() => (checkUsable(), dataVersion(sqlite))) : undefined
    this.#rows = rows
    // Statements outside a transaction go straight to the connection whenever no transaction is
    // open on it: then nothing uncommitted can be seen, and it is what Kysely would do once its
    // connection mutex let it in, minus the executor (several times SQLite's own time for a
    // one-row read; see direct-sqlite.ts). While a transaction is open they queue in Kysely.
    const idle = sqlite ? directSqlite(sqlite, () => !sqlite.inTransaction) : undefined
    const root: Scope = {
      engine,
      rows,
      get db(): Executor {
        checkUsable()
        return db
      },
      get direct(): DirectSqlite | undefined {
        return idle !== undefined && sqlite?.inTransaction === false ? idle : undefined
      },
      atomic: (fn) => {
        checkUsable()
        return db.transaction().execute((trx) => {
          const held = { open: true }
          return fn(trx, this.#direct(held)).finally(() => {
            held.open = false
          })
        })
      },
    }
    const repos = repositoriesFor(root)
    this.identities = repos.identities
    this.catalog = repos.catalog
    this.requests = repos.requests
    this.reviews = repos.reviews
    this.grants = repos.grants
    this.tokens = repos.tokens
    this.audit = repos.audit
    this.connectorState = repos.connectorState
    this.findings = repos.findings
    this.breakGlassReviews = repos.breakGlassReviews
    this.exceptions = repos.exceptions
    this.provisioning = repos.provisioning
    this.nonces = repos.nonces
    this.workloadExchanges = repos.workloadExchanges
    this.outbox = repos.outbox
    this.reports = repos.reports
    this.siemCursors = repos.siemCursors
    this.lifecycleNodes = repos.lifecycleNodes
  }

  async transaction<T>(fn: (tx: Repositories) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.#checkUsable()
    if (options.holdCatalog === true && this.engine === 'postgres') {
      return holdCatalogAtBegin.run({ pending: true }, () => this.#transaction(fn))
    }
    return this.#transaction(fn)
  }

  async #transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    const state: OpenTransaction = { open: true }
    try {
      return await this.#db.transaction().execute((trx) => {
        const direct = this.#direct(state)
        const beforeCommit: Array<() => Promise<void>> = []
        const scope: Scope = {
          engine: this.engine,
          db: trx,
          atomic: (inner) => inner(trx, direct),
          transactional: true,
          direct,
          beforeCommit: (hook) => {
            beforeCommit.push(hook)
          },
          rows: this.#rows,
        }
        return this.#inTransaction.run(state, async () => {
          const result = await fn(repositoriesFor(scope))
          // An array iterator is live: a hook added by another hook runs too.
          for (const hook of beforeCommit) await hook()
          return result
        })
      })
    } catch (error) {
      throw toStoreError(error)
    } finally {
      // Work scheduled from inside fn that runs after the end may use the store again.
      state.open = false
    }
  }

  async ping(): Promise<void> {
    try {
      this.#checkUsable()
      await sql`select 1`.execute(this.#db)
    } catch (error) {
      throw toStoreError(error)
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#db.destroy()
    await this.#closedHelpers?.()
  }

  #direct(held: OpenTransaction): DirectSqlite | undefined {
    return this.#sqlite ? directSqlite(this.#sqlite, () => held.open) : undefined
  }

  #checkUsable(): void {
    if (this.#closed) {
      throw new AppError('store.unavailable', 'The database is unavailable', {
        cause: new Error('the store is closed'),
      })
    }
    if (this.#inTransaction.getStore()?.open === true) {
      throw new AppError(
        'internal',
        'The store was used directly inside its own transaction; use the repositories passed to it',
      )
    }
  }
}

/** Changes whenever another connection commits to the database (SQLite's own signal). */
function dataVersion(sqlite: SqliteConnection): number {
  const [row] = sqlite.prepare('pragma data_version').all([]) as Array<{ data_version: number }>
  return row?.data_version ?? 0
}
