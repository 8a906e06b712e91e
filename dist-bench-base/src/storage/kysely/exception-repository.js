import { changedOne, fromMs, fromMsOrNull, toMs, toMsOrNull } from './codec.js';
import { PreparedStatement } from './prepared-statement.js';
// Looked up at both decisions of every request (see prepared-statement.ts).
const LIST_APPLICABLE = new PreparedStatement((db, a) => db
    .selectFrom('exceptions')
    .selectAll()
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', a.now)
    .where((eb) => eb.or([eb('identity_id', 'is', null), eb('identity_id', '=', a.subject_id)]))
    .where((eb) => eb.or([eb('entitlement_id', 'is', null), eb('entitlement_id', '=', a.entitlement_id)]))
    .orderBy('id'));
function toException(row) {
    return {
        id: row.id,
        scope: {
            identityId: row.identity_id,
            entitlementId: row.entitlement_id,
            policyId: row.policy_id,
        },
        reason: row.reason,
        approverId: row.approver_id,
        createdAt: fromMs(row.created_at),
        expiresAt: fromMs(row.expires_at),
        renewedFrom: row.renewed_from,
        renewals: row.renewals,
        uses: row.uses,
        revokedAt: fromMsOrNull(row.revoked_at),
        revokedBy: row.revoked_by,
        endReason: row.end_reason,
        version: row.version,
    };
}
function toRow(e, version) {
    return {
        id: e.id,
        identity_id: e.scope.identityId,
        entitlement_id: e.scope.entitlementId,
        policy_id: e.scope.policyId,
        reason: e.reason,
        approver_id: e.approverId,
        created_at: toMs(e.createdAt),
        expires_at: toMs(e.expiresAt),
        renewed_from: e.renewedFrom,
        renewals: e.renewals,
        uses: e.uses,
        revoked_at: toMsOrNull(e.revokedAt),
        revoked_by: e.revokedBy,
        end_reason: e.endReason,
        version,
    };
}
function toUse(row) {
    return {
        id: row.id,
        exceptionId: row.exception_id,
        requestId: row.request_id,
        grantId: row.grant_id,
        action: row.action,
        at: fromMs(row.at),
    };
}
export function exceptionRepository(scope) {
    return {
        async insert(e) {
            await scope.db.insertInto('exceptions').values(toRow(e, e.version)).execute();
        },
        async get(id) {
            const row = await scope.db
                .selectFrom('exceptions')
                .selectAll()
                .where('id', '=', id)
                .executeTakeFirst();
            return row ? toException(row) : null;
        },
        async list(filter) {
            let query = scope.db.selectFrom('exceptions').selectAll();
            if (filter.activeAt !== undefined) {
                query = query
                    .where('revoked_at', 'is', null)
                    .where('expires_at', '>', toMs(filter.activeAt));
            }
            if (filter.identityId !== undefined)
                query = query.where('identity_id', '=', filter.identityId);
            if (filter.entitlementId !== undefined) {
                query = query.where('entitlement_id', '=', filter.entitlementId);
            }
            const rows = await query
                .orderBy('created_at', 'desc')
                .orderBy('id', 'desc')
                .limit(filter.limit ?? 500)
                .execute();
            return rows.map(toException);
        },
        async listApplicable(now, subjectId, entitlementId) {
            const { rows } = await LIST_APPLICABLE.execute(scope, {
                now: toMs(now),
                subject_id: subjectId,
                entitlement_id: entitlementId,
            });
            return rows.map(toException);
        },
        /** Writes everything but `uses`, which only incrementUses changes (so no use is lost). */
        async update(e, expectedVersion) {
            const { id: _id, uses: _uses, ...row } = toRow(e, expectedVersion + 1);
            const result = await scope.db
                .updateTable('exceptions')
                .set(row)
                .where('id', '=', e.id)
                .where('version', '=', expectedVersion)
                .executeTakeFirst();
            return changedOne(result);
        },
        async incrementUses(id) {
            // An atomic increment, not compare-and-swap: concurrent uses must all count.
            await scope.db
                .updateTable('exceptions')
                .set((eb) => ({ uses: eb('uses', '+', 1) }))
                .where('id', '=', id)
                .execute();
        },
        async insertUse(use) {
            await scope.db
                .insertInto('exception_uses')
                .values({
                id: use.id,
                exception_id: use.exceptionId,
                request_id: use.requestId,
                grant_id: use.grantId,
                action: use.action,
                at: toMs(use.at),
            })
                .execute();
        },
        async listUses(exceptionId, limit) {
            const rows = await scope.db
                .selectFrom('exception_uses')
                .selectAll()
                .where('exception_id', '=', exceptionId)
                .orderBy('at', 'desc')
                .orderBy('id', 'desc')
                .limit(limit)
                .execute();
            return rows.map(toUse);
        },
        async usageSince(exceptionId, entitlementId, since) {
            const t = toMs(since);
            const uses = await scope.db
                .selectFrom('exception_uses')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('exception_id', '=', exceptionId)
                .where('at', '>', t)
                .executeTakeFirst();
            const grants = await scope.db
                .selectFrom('grants')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('entitlement_id', '=', entitlementId)
                .where('created_at', '>', t)
                .executeTakeFirst();
            return { uses: Number(uses?.n ?? 0), grants: Number(grants?.n ?? 0) };
        },
    };
}
