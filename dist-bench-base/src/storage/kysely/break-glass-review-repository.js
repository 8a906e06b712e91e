import { changedOne, fromMs, fromMsOrNull, toMs, toMsOrNull } from './codec.js';
function toReview(row) {
    return {
        requestId: row.request_id,
        grantId: row.grant_id,
        userId: row.user_id,
        entitlementId: row.entitlement_id,
        incidentRef: row.incident_ref,
        usedAt: fromMs(row.used_at),
        dueAt: fromMs(row.due_at),
        escalatedAt: fromMsOrNull(row.escalated_at),
        reviewerId: row.reviewer_id,
        verdict: row.verdict,
        comment: row.comment,
        reviewedAt: fromMsOrNull(row.reviewed_at),
        version: row.version,
    };
}
function toRow(r, version) {
    return {
        request_id: r.requestId,
        grant_id: r.grantId,
        user_id: r.userId,
        entitlement_id: r.entitlementId,
        incident_ref: r.incidentRef,
        used_at: toMs(r.usedAt),
        due_at: toMs(r.dueAt),
        escalated_at: toMsOrNull(r.escalatedAt),
        reviewer_id: r.reviewerId,
        verdict: r.verdict,
        comment: r.comment,
        reviewed_at: toMsOrNull(r.reviewedAt),
        version,
    };
}
export function breakGlassReviewRepository(scope) {
    return {
        async insert(review) {
            await scope.db
                .insertInto('breakglass_reviews')
                .values(toRow(review, review.version))
                .execute();
        },
        async get(requestId) {
            const row = await scope.db
                .selectFrom('breakglass_reviews')
                .selectAll()
                .where('request_id', '=', requestId)
                .executeTakeFirst();
            return row ? toReview(row) : null;
        },
        async list(filter) {
            const t = toMs(filter.now);
            let query = scope.db.selectFrom('breakglass_reviews').selectAll();
            if (filter.userId !== undefined)
                query = query.where('user_id', '=', filter.userId);
            if (filter.state === 'done')
                query = query.where('reviewed_at', 'is not', null);
            if (filter.state === 'pending') {
                query = query.where('reviewed_at', 'is', null).where('due_at', '>', t);
            }
            if (filter.state === 'overdue') {
                query = query.where('reviewed_at', 'is', null).where('due_at', '<=', t);
            }
            if (filter.notEscalated === true)
                query = query.where('escalated_at', 'is', null);
            const rows = await query
                .orderBy('used_at', 'desc')
                .orderBy('request_id', 'desc')
                .limit(filter.limit ?? 500)
                .execute();
            return rows.map(toReview);
        },
        async countUsesSince(userId, since) {
            const row = await scope.db
                .selectFrom('breakglass_reviews')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('user_id', '=', userId)
                .where('used_at', '>', toMs(since))
                .executeTakeFirst();
            return Number(row?.n ?? 0);
        },
        async countOverdue(now) {
            const row = await scope.db
                .selectFrom('breakglass_reviews')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('reviewed_at', 'is', null)
                .where('due_at', '<=', toMs(now))
                .executeTakeFirst();
            return Number(row?.n ?? 0);
        },
        async update(review, expectedVersion) {
            const { request_id: _id, ...row } = toRow(review, expectedVersion + 1);
            const result = await scope.db
                .updateTable('breakglass_reviews')
                .set(row)
                .where('request_id', '=', review.requestId)
                .where('version', '=', expectedVersion)
                .executeTakeFirst();
            return changedOne(result);
        },
    };
}
