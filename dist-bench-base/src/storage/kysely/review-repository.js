import { changedOne, fromJson, fromMs, toJson, toMs } from './codec.js';
function toReview(row) {
    return {
        id: row.id,
        requestId: row.request_id,
        reviewerId: row.reviewer_id,
        verdict: row.verdict,
        comment: row.comment,
        requestDigest: row.request_digest,
        reviewerIsOwner: row.reviewer_is_owner === 1,
        reviewerGroups: fromJson(row.reviewer_groups),
        policyHash: row.policy_hash,
        createdAt: fromMs(row.created_at),
    };
}
export function reviewRepository(scope) {
    return {
        async insert(review) {
            // DO NOTHING rather than catching the violation: on PostgreSQL a failed statement would
            // abort the caller's whole transaction.
            const result = await scope.db
                .insertInto('reviews')
                .values({
                id: review.id,
                request_id: review.requestId,
                reviewer_id: review.reviewerId,
                verdict: review.verdict,
                comment: review.comment,
                request_digest: review.requestDigest,
                reviewer_is_owner: review.reviewerIsOwner ? 1 : 0,
                reviewer_groups: toJson(review.reviewerGroups),
                policy_hash: review.policyHash,
                created_at: toMs(review.createdAt),
            })
                .onConflict((oc) => oc.columns(['request_id', 'reviewer_id']).doNothing())
                .executeTakeFirst();
            return changedOne(result);
        },
        async listForRequest(requestId) {
            const rows = await scope.db
                .selectFrom('reviews')
                .selectAll()
                .where('request_id', '=', requestId)
                .orderBy('created_at')
                .orderBy('id')
                .execute();
            return rows.map(toReview);
        },
    };
}
