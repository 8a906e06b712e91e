import { sql, type Kysely } from 'kysely'
import { GENESIS_HASH } from '../../domain/audit-event.js'
import type { Engine } from '../kysely/database.js'
import { POSTGRES_EXTEND_CHAIN_0015 } from './0015-audit-chain-per-statement.js'
import type { EngineMigration } from './index.js'

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

/** 0008's rule; a BEFORE trigger returns the row it lets through, an AFTER one's answer is ignored. */
const headAdvance = (returns: 'new' | 'null') => `create or replace function hourglass_audit_head_advance() returns trigger language plpgsql as $$
   declare newest_seq bigint; newest_hash text;
   begin
     select seq, hash into newest_seq, newest_hash from audit_events order by seq desc limit 1;
     if new.id is distinct from old.id
        or new.seq <= old.seq
        or new.seq is distinct from newest_seq
        or new.hash is distinct from newest_hash then
       raise exception 'audit_head only advances to the newest event'
         using errcode = 'insufficient_privilege';
     end if;
     return ${returns};
   end $$`

const POSTGRES_EXTEND_CHAIN = `create or replace function hourglass_audit_extend_chain() returns trigger language plpgsql as $$
   declare first_seq bigint; head_seq bigint; head_hash text; prior_hash text;
   begin
     select min(seq) into first_seq from appended;
     if first_seq is null then
       return null;
     end if;
     select seq, hash into head_seq, head_hash from audit_head where id = 1;
     if first_seq - 1 = head_seq then
       prior_hash := head_hash;
     elsif first_seq = 1 then
       -- The head moved past the first run in its own statement: the chain starts at the genesis.
       prior_hash := '${GENESIS_HASH}';
     else
       select hash into prior_hash from audit_events where seq = first_seq - 1;
     end if;
     -- No predecessor leaves prior_hash null, which no prev_hash (not null) matches.
     if exists (
          select 1
            from (select seq, prev_hash,
                         lag(seq, 1, first_seq - 1) over run as before_seq,
                         lag(hash, 1, prior_hash) over run as before_hash
                    from appended
                  window run as (order by seq)) linked
           where seq is distinct from before_seq + 1
              or prev_hash is distinct from before_hash) then
       raise exception 'audit events append to the last event only'
         using errcode = 'insufficient_privilege';
     end if;
     return null;
   end $$`

const POSTGRES_UP = [
  'drop trigger audit_head_advance on audit_head',
  headAdvance('null'),
  `create trigger audit_head_advance after update on audit_head
   for each row execute function hourglass_audit_head_advance()`,
  POSTGRES_EXTEND_CHAIN,
]

const POSTGRES_DOWN = [
  'drop trigger audit_head_advance on audit_head',
  headAdvance('new'),
  `create trigger audit_head_advance before update on audit_head
   for each row execute function hourglass_audit_head_advance()`,
  POSTGRES_EXTEND_CHAIN_0015,
]

export const auditHeadInStatement: EngineMigration = {
  async up(db: Kysely<unknown>, engine: Engine) {
    if (engine !== 'postgres') return
    for (const statement of POSTGRES_UP) await sql.raw(statement).execute(db)
  },
  async down(db: Kysely<unknown>, engine: Engine) {
    if (engine !== 'postgres') return
    for (const statement of POSTGRES_DOWN) await sql.raw(statement).execute(db)
  },
}
