import type { Kysely } from 'kysely'
import type { EngineMigration } from './index.js'

/**
 * Two indexes on `requests` that no query needs, each an extra B-tree page written by every
 * submission (on SQLite, 2 of the about 39 WAL pages a request's commit wrote):
 * - `requests_ticket_ref` (0004) duplicates `requests_ticket` (0003), both on `ticket_ref` alone;
 * - `requests_requester` (0001) is a prefix of `requests_requester_entitlement_state` (0009),
 *   which serves every lookup by requester the same way.
 * Down puts both back.
 */
const DROPPED: ReadonlyArray<readonly [name: string, column: string]> = [
  ['requests_ticket_ref', 'ticket_ref'],
  ['requests_requester', 'requester_id'],
]

export const redundantRequestIndexes: EngineMigration = {
  async up(db: Kysely<unknown>) {
    for (const [name] of DROPPED) await db.schema.dropIndex(name).execute()
  },
  async down(db: Kysely<unknown>) {
    for (const [name, column] of DROPPED) {
      await db.schema.createIndex(name).on('requests').column(column).execute()
    }
  },
}
