import { sql, type Kysely } from 'kysely'
import type { Engine } from '../kysely/database.js'
import { POSTGRES_HEAD_FUNCTIONS_0001, SQLITE_HEAD_GUARDS_0001 } from './audit-guards.js'
import type { EngineMigration } from './index.js'

/*
 * The chain guards check the chain's last event rather than the head row, so a transaction can
 * write all its events in one multi-row INSERT and move the head once, just before it commits
 * (audit-repository.ts). Row triggers see the rows an INSERT already wrote before the current
 * one (SQLite runs them row by row; PostgreSQL's BEFORE ROW triggers see earlier rows of the
 * same command), so each row still has to continue the one before it.
 *
 * - An event lands on the last event: the one with the highest seq, or the head row when no
 *   event is beyond it (which covers the genesis head at seq 0, and a chain whose head was just
 *   moved to its newest event). new.seq = last.seq + 1, new.prev_hash = last.hash.
 * - The head only moves forward, only to the newest event, with that event's hash; its id never
 *   changes. Skipping several events at once is allowed, stopping short of the newest is not.
 */

/** The last event's seq and hash: the newest event, or the head when no event is beyond it. */
const SQLITE_LAST_SEQ = `(select max(s) from (select seq as s from audit_head where id = 1
                          union all select max(seq) from audit_events))`
const SQLITE_LAST_HASH = `(select case when e.seq > h.seq then e.hash else h.hash end
                           from audit_head h
                           left join audit_events e on e.seq = (select max(seq) from audit_events)
                           where h.id = 1)`

const SQLITE_UP = [
  'drop trigger audit_head_advance',
  'drop trigger audit_events_on_head',
  `create trigger audit_head_advance before update on audit_head
   when new.id is not old.id
     or new.seq <= old.seq
     or new.seq is not (select max(seq) from audit_events)
     or new.hash is not (select hash from audit_events where seq = new.seq)
   begin select raise(abort, 'audit_head only advances to the newest event'); end`,
  `create trigger audit_events_on_head before insert on audit_events
   when new.seq is not ${SQLITE_LAST_SEQ} + 1
     or new.prev_hash is not ${SQLITE_LAST_HASH}
   begin select raise(abort, 'audit events append to the last event only'); end`,
]

const SQLITE_DOWN = [
  'drop trigger audit_head_advance',
  'drop trigger audit_events_on_head',
  ...SQLITE_HEAD_GUARDS_0001,
]

/** 0008's event guard on PostgreSQL, per row: 0015 replaces it and restores it on the way down. */
export const POSTGRES_APPEND_ON_LAST_0008 = `create or replace function hourglass_audit_append_on_head() returns trigger language plpgsql as $$
   declare last_seq bigint; last_hash text; head_seq bigint; head_hash text;
   begin
     select seq, hash into head_seq, head_hash from audit_head where id = 1;
     select seq, hash into last_seq, last_hash from audit_events order by seq desc limit 1;
     if last_seq is null or last_seq <= head_seq then
       last_seq := head_seq;
       last_hash := head_hash;
     end if;
     if new.seq is distinct from last_seq + 1 or new.prev_hash is distinct from last_hash then
       raise exception 'audit events append to the last event only'
         using errcode = 'insufficient_privilege';
     end if;
     return new;
   end $$`

/** 0008's head guard on PostgreSQL (a BEFORE trigger's body): 0018 runs it AFTER the statement. */
export const POSTGRES_HEAD_ADVANCE_0008 = `create or replace function hourglass_audit_head_advance() returns trigger language plpgsql as $$
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
     return new;
   end $$`

// The triggers call these functions by name, so replacing the bodies is the whole change.
const POSTGRES_UP = [POSTGRES_HEAD_ADVANCE_0008, POSTGRES_APPEND_ON_LAST_0008]

async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export const auditLastEvent: EngineMigration = {
  async up(db: Kysely<unknown>, engine: Engine) {
    await run(db, engine === 'postgres' ? POSTGRES_UP : SQLITE_UP)
  },
  async down(db: Kysely<unknown>, engine: Engine) {
    await run(db, engine === 'postgres' ? POSTGRES_HEAD_FUNCTIONS_0001 : SQLITE_DOWN)
  },
}
