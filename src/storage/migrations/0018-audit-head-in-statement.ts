import { GENESIS_HASH } from '../../domain/audit-event.js'
import { POSTGRES_HEAD_ADVANCE_0008 } from './0008-audit-last-event.js'
import { POSTGRES_EXTEND_CHAIN_0015 } from './0015-audit-chain-per-statement.js'
import type { EngineMigration } from './index.js'
import { postgresStatements } from './postgres-statements.js'

/*
 * On PostgreSQL the audit head may move in the statement that appends the events it moves to (a
 * data-modifying WITH): one round trip at every commit fewer, and the head row locked one round
 * trip less. The sub-statements of one statement share its snapshot, so a BEFORE trigger on the
 * head update could not see the events inserted beside it; AFTER triggers run once the whole
 * statement is done and see all of it.
 *
 * - The head guard (0008's rule: the head only moves forward, to the newest event, with its hash)
 *   becomes an AFTER row trigger. Raising there still fails the whole statement.
 * - The event guard (0015's statement trigger) finds a run's predecessor in the head row only when
 *   the head still stands right before the run; a head moved in the same statement stands at the
 *   run's end, and the predecessor is then the event below the run, as for any run after the head.
 *   The very first run (seq 1) has no event below it: its predecessor is the genesis hash the head
 *   starts from (0001). Nothing else changes: a run must still start right after an existing event
 *   (or the genesis) with its hash, and continue it row by row.
 *
 * SQLite writes with direct statements inside its one transaction (no round trips): unchanged.
 */

/** `text` with `from` replaced, which it must hold exactly once (the bodies below are 0008's and 0015's). */
function replaceOnce(text: string, from: string, to: string): string {
  if (text.split(from).length !== 2) throw new Error(`0018: expected one ${JSON.stringify(from)}`)
  return text.replace(from, to)
}

/** 0008's rule, after the statement: an AFTER trigger's answer is ignored, so it returns null. */
const HEAD_ADVANCE_AFTER = replaceOnce(POSTGRES_HEAD_ADVANCE_0008, 'return new;', 'return null;')

/** 0015's guard, with the run's predecessor found below it when the head has moved past it. */
const EXTEND_CHAIN = replaceOnce(
  POSTGRES_EXTEND_CHAIN_0015,
  `
     else
       select hash into prior_hash from audit_events where seq = first_seq - 1;`,
  `
     elsif first_seq = 1 then
       -- The head moved past the first run in its own statement: the chain starts at the genesis.
       prior_hash := '${GENESIS_HASH}';
     else
       select hash into prior_hash from audit_events where seq = first_seq - 1;`,
)

const POSTGRES_UP = [
  'drop trigger audit_head_advance on audit_head',
  HEAD_ADVANCE_AFTER,
  `create trigger audit_head_advance after update on audit_head
   for each row execute function hourglass_audit_head_advance()`,
  EXTEND_CHAIN,
]

const POSTGRES_DOWN = [
  'drop trigger audit_head_advance on audit_head',
  POSTGRES_HEAD_ADVANCE_0008,
  `create trigger audit_head_advance before update on audit_head
   for each row execute function hourglass_audit_head_advance()`,
  POSTGRES_EXTEND_CHAIN_0015,
]

export const auditHeadInStatement: EngineMigration = postgresStatements(POSTGRES_UP, POSTGRES_DOWN)
