import { sql } from 'kysely';
/*
 * The database itself keeps the audit log append-only (AU-9): rows in audit_events and
 * audit_checkpoints can never be updated or deleted, the head row can never be deleted, and the
 * head and events only extend the chain (0001: by one, on the head row; since 0008: onto the last
 * event, the head forward to the newest, see 0008-audit-last-event.ts). The application never
 * needs more, so a bug or a stray admin statement fails loudly.
 */
/**
 * The head guards as 0001 created them: an event only on the head row, the head one event at a
 * time. 0008 replaces them (see 0008-audit-last-event.ts) and puts these back on the way down.
 */
export const SQLITE_HEAD_GUARDS_0001 = [
    `create trigger audit_head_advance before update on audit_head
   when new.id is not old.id
     or new.seq is not old.seq + 1
     or new.hash is not (select hash from audit_events where seq = new.seq)
   begin select raise(abort, 'audit_head only advances to the newest event'); end`,
    `create trigger audit_events_on_head before insert on audit_events
   when new.seq is not (select seq + 1 from audit_head where id = 1)
     or new.prev_hash is not (select hash from audit_head where id = 1)
   begin select raise(abort, 'audit events append at the chain head only'); end`,
];
/** `or replace`, so 0008's way down can restore them over its own bodies (triggers keep them). */
export const POSTGRES_HEAD_FUNCTIONS_0001 = [
    `create or replace function hourglass_audit_head_advance() returns trigger language plpgsql as $$
   begin
     if new.id is distinct from old.id
        or new.seq is distinct from old.seq + 1
        or new.hash is distinct from (select hash from audit_events where seq = new.seq) then
       raise exception 'audit_head only advances to the newest event'
         using errcode = 'insufficient_privilege';
     end if;
     return new;
   end $$`,
    `create or replace function hourglass_audit_append_on_head() returns trigger language plpgsql as $$
   declare head record;
   begin
     select seq, hash into head from audit_head where id = 1;
     if new.seq is distinct from head.seq + 1 or new.prev_hash is distinct from head.hash then
       raise exception 'audit events append at the chain head only'
         using errcode = 'insufficient_privilege';
     end if;
     return new;
   end $$`,
];
const SQLITE_GUARDS = [
    `create trigger audit_events_no_update before update on audit_events
   begin select raise(abort, 'audit_events is append-only'); end`,
    `create trigger audit_events_no_delete before delete on audit_events
   begin select raise(abort, 'audit_events is append-only'); end`,
    `create trigger audit_checkpoints_no_update before update on audit_checkpoints
   begin select raise(abort, 'audit_checkpoints is append-only'); end`,
    `create trigger audit_checkpoints_no_delete before delete on audit_checkpoints
   begin select raise(abort, 'audit_checkpoints is append-only'); end`,
    `create trigger audit_head_no_delete before delete on audit_head
   begin select raise(abort, 'audit_head cannot be deleted'); end`,
    ...SQLITE_HEAD_GUARDS_0001,
];
const POSTGRES_GUARDS = [
    `create function hourglass_refuse_change() returns trigger language plpgsql as $$
   begin
     raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';
   end $$`,
    ...POSTGRES_HEAD_FUNCTIONS_0001,
    `create trigger audit_events_append_only before update or delete on audit_events
   for each row execute function hourglass_refuse_change()`,
    // Row triggers do not see TRUNCATE; statement triggers close that door too.
    `create trigger audit_events_no_truncate before truncate on audit_events
   for each statement execute function hourglass_refuse_change()`,
    `create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
   for each row execute function hourglass_refuse_change()`,
    `create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
   for each statement execute function hourglass_refuse_change()`,
    `create trigger audit_head_no_delete before delete on audit_head
   for each row execute function hourglass_refuse_change()`,
    `create trigger audit_head_no_truncate before truncate on audit_head
   for each statement execute function hourglass_refuse_change()`,
    `create trigger audit_head_advance before update on audit_head
   for each row execute function hourglass_audit_head_advance()`,
    `create trigger audit_events_on_head before insert on audit_events
   for each row execute function hourglass_audit_append_on_head()`,
];
export async function createAuditGuards(db, engine) {
    for (const statement of engine === 'postgres' ? POSTGRES_GUARDS : SQLITE_GUARDS) {
        await sql.raw(statement).execute(db);
    }
}
/** SQLite drops triggers with their tables; PostgreSQL keeps the functions, so drop them after. */
export async function dropAuditGuards(db, engine) {
    if (engine !== 'postgres')
        return;
    for (const fn of [
        'hourglass_refuse_change',
        'hourglass_audit_head_advance',
        'hourglass_audit_append_on_head',
    ]) {
        await sql.raw(`drop function if exists ${fn}()`).execute(db);
    }
}
