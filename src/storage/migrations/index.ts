import type { Kysely, Migration, MigrationProvider } from 'kysely'
import type { Engine } from '../kysely/database.js'
import { init } from './0001-init.js'
import { reconciliation } from './0002-reconciliation.js'
import { governance } from './0003-governance.js'
import { integrations } from './0004-integrations.js'
import { outbox } from './0005-outbox.js'
import { siemCursors } from './0006-siem-cursors.js'
import { reportIndexes } from './0007-report-indexes.js'
import { auditLastEvent } from './0008-audit-last-event.js'
import { requestLookups } from './0009-request-lookups.js'
import { lifecycleNodes } from './0012-lifecycle-nodes.js'
import { grantStateIndexes } from './0013-grant-state-indexes.js'
import { grantShareBuckets } from './0014-grant-share-buckets.js'
import { auditChainPerStatement } from './0015-audit-chain-per-statement.js'
import { connectorStateExp } from './0016-connector-state-exp.js'
import { redundantRequestIndexes } from './0017-redundant-request-indexes.js'
import { auditHeadInStatement } from './0018-audit-head-in-statement.js'

/** A migration that may emit engine-specific SQL (triggers) next to the portable schema. */
export interface EngineMigration {
  up(db: Kysely<unknown>, engine: Engine): Promise<void>
  down(db: Kysely<unknown>, engine: Engine): Promise<void>
}

/**
 * Every migration, in order. A static list rather than a folder scan, so the compiled `dist/`
 * migrates without its sources nearby. Names never change once released.
 */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: EngineMigration]> = [
  ['0001-init', init],
  ['0002-reconciliation', reconciliation],
  ['0003-governance', governance],
  ['0004-integrations', integrations],
  ['0005-outbox', outbox],
  ['0006-siem-cursors', siemCursors],
  ['0007-report-indexes', reportIndexes],
  ['0008-audit-last-event', auditLastEvent],
  ['0009-request-lookups', requestLookups],
  ['0012-lifecycle-nodes', lifecycleNodes],
  ['0013-grant-state-indexes', grantStateIndexes],
  ['0014-grant-share-buckets', grantShareBuckets],
  ['0015-audit-chain-per-statement', auditChainPerStatement],
  ['0016-connector-state-exp', connectorStateExp],
  ['0017-redundant-request-indexes', redundantRequestIndexes],
  ['0018-audit-head-in-statement', auditHeadInStatement],
]

export class StaticMigrationProvider implements MigrationProvider {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  getMigrations(): Promise<Record<string, Migration>> {
    const engine = this.#engine
    const entries = MIGRATIONS.map(([name, m]): [string, Migration] => [
      name,
      { up: (db) => m.up(db, engine), down: (db) => m.down(db, engine) },
    ])
    return Promise.resolve(Object.fromEntries(entries))
  }
}
