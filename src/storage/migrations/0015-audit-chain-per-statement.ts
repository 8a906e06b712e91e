import { POSTGRES_APPEND_ON_LAST_0008 } from './0008-audit-last-event.js'
import type { EngineMigration } from './index.js'
import { postgresStatements } from './postgres-statements.js'

/*
 * On PostgreSQL the event guard checks each INSERT's rows once, after the statement, instead of
 * once per row before it. The row trigger read the head row and the last event for every row: a
 * revocation batch's 500-row INSERT took about twice as long with it as without it (12–14 ms
 * against 6–7 ms, docs/benchmarks.md). The statement trigger reads the rows the statement added
 * from its transition table (`appended`) and the table around them by primary key, so its cost
 * hardly grows with the rows.
 *
 * The rule is 0008's, for the run of rows one statement adds (INSERT of one or many rows, INSERT …
 * SELECT, COPY): sorted by seq, the first continues the event just below it (seq one more,
 * prev_hash its hash), or the head row when the run starts right after the head, and each next row
 * continues the row before it. Rows a statement could only add off that chain (a gap, a wrong
 * prev_hash, a row at or before the head, one forged row among good ones) fail the whole
 * statement, with 0008's message and errcode.
 *
 * That the run sits at the end of the chain follows, as it did per row: the events already there
 * are contiguous (this guard let each in only onto its predecessor), seq is the primary key, so
 * a run whose first predecessor exists and whose seqs were free starts right after the last event.
 * An AFTER trigger sees the table with the statement's rows in it and the transaction's earlier
 * statements' rows, which are the chain a later statement extends. A concurrent writer cannot
 * fork it: a row at a seq another transaction holds waits for it and then fails on the key, and a
 * run onto a predecessor not yet committed finds no predecessor. Honest writers never meet that:
 * they append under the head row's lock (audit-repository.ts).
 *
 * SQLite has no statement triggers with transition tables; its row trigger stays (0008).
 *
 * Its one lookup in audit_events is by exact key, so plpgsql's cached generic plan stays an index
 * scan whatever the table's size (a `seq > $1` probe, tried first, became a sequential scan of the
 * whole table under the generic plan: 150 ms per statement at 600,000 events).
 */

/** Exported for 0018, which extends it and puts it back on its way down. */
export const POSTGRES_EXTEND_CHAIN_0015 = `create or replace function hourglass_audit_extend_chain() returns trigger language plpgsql as $$
   declare first_seq bigint; head_seq bigint; head_hash text; prior_hash text;
   begin
     select min(seq) into first_seq from appended;
     if first_seq is null then
       return null;
     end if;
     select seq, hash into head_seq, head_hash from audit_head where id = 1;
     if first_seq - 1 = head_seq then
       prior_hash := head_hash;
     else
       select hash into prior_hash from audit_events where seq = first_seq - 1;
     end if;
     -- No predecessor leaves prior_hash null, which no prev_hash (not null) matches: a run after a
     -- gap, or at or before the head (its seqs are taken, so the key refuses it, or below seq 1).
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
  'drop trigger audit_events_on_head on audit_events',
  'drop function hourglass_audit_append_on_head()',
  POSTGRES_EXTEND_CHAIN_0015,
  `create trigger audit_events_extend_chain after insert on audit_events
   referencing new table as appended
   for each statement execute function hourglass_audit_extend_chain()`,
]

const POSTGRES_DOWN = [
  'drop trigger audit_events_extend_chain on audit_events',
  'drop function hourglass_audit_extend_chain()',
  POSTGRES_APPEND_ON_LAST_0008,
  `create trigger audit_events_on_head before insert on audit_events
   for each row execute function hourglass_audit_append_on_head()`,
]

export const auditChainPerStatement: EngineMigration = postgresStatements(POSTGRES_UP, POSTGRES_DOWN)
