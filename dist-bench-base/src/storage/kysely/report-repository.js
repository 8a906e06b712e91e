import { fromJson, fromMs, fromMsOrNull, toMs } from './codec.js';
const DECISION_EVENTS = {
    'request.approved': 'approved',
    'request.denied_by_policy': 'policy',
    'request.denied': 'reviewer',
    'request.lapsed': 'expired',
    'request.cancelled': 'cancelled',
};
/** How a failed revocation's error text says the target still held the access (revoke-grant.ts). */
const STILL_LIVE = 'still live';
/** Pages of `reconcile.completed` read looking for each target's latest run. */
const RECONCILE_PAGE = 500;
const RECONCILE_MAX_PAGES = 20;
function dataOf(text) {
    const value = fromJson(text);
    return typeof value === 'object' && value !== null ? value : {};
}
function grantQuery(db) {
    return db
        .selectFrom('grants as g')
        .innerJoin('requests as r', 'r.id', 'g.request_id')
        .select([
        'g.id',
        'g.entitlement_id',
        'g.target_id',
        'g.state',
        'r.submitted_at',
        'g.starts_at',
        'g.expires_at',
        'g.issued_at',
        'g.revoke_due_at',
        'g.revoked_at',
        'g.revocation_lag_ms',
        'g.revoke_reason',
        'g.verification',
        'g.credential_retrieved_at',
    ]);
}
/** Ids per `IN (…)` list: well under every engine's bound-parameter limit. */
const ID_CHUNK = 500;
/**
 * Grants among these with a `grant.credential_retrieved` event. Looked up by grant id only, then
 * filtered by type here: with the type in the query, SQLite's planner prefers the (type, at)
 * index and scans every retrieval event once per grant.
 */
async function retrievedByEvent(db, grantIds) {
    const found = new Set();
    for (let i = 0; i < grantIds.length; i += ID_CHUNK) {
        const rows = await db
            .selectFrom('audit_events')
            .select(['grant_id', 'type'])
            .where('grant_id', 'in', grantIds.slice(i, i + ID_CHUNK))
            .execute();
        for (const r of rows) {
            if (r.type === 'grant.credential_retrieved' && r.grant_id !== null)
                found.add(r.grant_id);
        }
    }
    return found;
}
function toGrantFact(row, retrieved) {
    return {
        entitlementId: row.entitlement_id,
        targetId: row.target_id,
        state: row.state,
        submittedAt: fromMs(row.submitted_at),
        startsAt: fromMs(row.starts_at),
        expiresAt: fromMs(row.expires_at),
        issuedAt: fromMsOrNull(row.issued_at),
        revokeDueAt: fromMsOrNull(row.revoke_due_at),
        revokedAt: fromMsOrNull(row.revoked_at),
        revocationLagMs: row.revocation_lag_ms,
        revokeReason: row.revoke_reason,
        verification: row.verification,
        used: row.credential_retrieved_at !== null || retrieved.has(row.id),
    };
}
async function periodEvents(db, types, f, t) {
    return db
        .selectFrom('audit_events as a')
        .leftJoin('requests as r', 'r.id', 'a.request_id')
        .select(['a.type', 'a.data', 'r.entitlement_id'])
        .where('a.type', 'in', [...types])
        .where('a.at', '>=', f)
        .where('a.at', '<', t)
        .execute();
}
export function reportRepository(scope) {
    return {
        async requestsSubmitted(from, to) {
            const rows = await scope.db
                .selectFrom('requests')
                .select(['entitlement_id', 'duration_seconds'])
                .where('submitted_at', '>=', toMs(from))
                .where('submitted_at', '<', toMs(to))
                .execute();
            return rows.map((r) => ({
                entitlementId: r.entitlement_id,
                durationSeconds: r.duration_seconds,
            }));
        },
        async decisions(from, to) {
            const types = Object.keys(DECISION_EVENTS);
            const rows = await periodEvents(scope.db, types, toMs(from), toMs(to));
            return rows.flatMap((r) => {
                const kind = DECISION_EVENTS[r.type];
                return kind ? [{ kind, entitlementId: r.entitlement_id }] : [];
            });
        },
        async grants(from, to) {
            const [f, t] = [toMs(from), toMs(to)];
            // One indexed query per way a grant can matter to the period, merged by id: an OR across
            // columns would defeat the indexes on both engines.
            const windows = ['g.issued_at', 'g.revoked_at', 'g.expires_at', 'g.revoke_due_at'];
            const parts = windows.map((column) => grantQuery(scope.db).where(column, '>=', f).where(column, '<', t).execute());
            const dueAtEnd = (q) => q
                .where('g.issued_at', '<=', t)
                .where((eb) => eb.or([
                eb.and([eb('g.revoke_due_at', 'is not', null), eb('g.revoke_due_at', '<=', t)]),
                eb.and([eb('g.revoke_due_at', 'is', null), eb('g.expires_at', '<=', t)]),
            ]));
            parts.push(dueAtEnd(grantQuery(scope.db).where('g.state', '!=', 'revoked')).execute());
            parts.push(dueAtEnd(grantQuery(scope.db).where('g.revoked_at', '>', t)).execute());
            const byId = new Map();
            for (const rows of await Promise.all(parts))
                for (const row of rows)
                    byId.set(row.id, row);
            // The grant field and the event are written together; the event is checked too so that
            // rows written before the field existed, or restored without it, still count as used.
            const unmarked = [...byId.values()].filter((g) => g.credential_retrieved_at === null);
            const retrieved = await retrievedByEvent(scope.db, unmarked.map((g) => g.id));
            return [...byId.values()].map((g) => toGrantFact(g, retrieved));
        },
        async approvals(from, to) {
            const rows = await scope.db
                .selectFrom('reviews as v')
                .innerJoin('requests as r', 'r.id', 'v.request_id')
                .leftJoin('identities as s', 's.id', 'r.subject_id')
                .select([
                'r.entitlement_id',
                'r.submitted_at',
                'v.reviewer_id',
                'v.reviewer_is_owner',
                'v.created_at',
                's.kind as subject_kind',
                's.owner_id as subject_owner',
            ])
                .where('v.verdict', '=', 'approve')
                .where('v.created_at', '>=', toMs(from))
                .where('v.created_at', '<', toMs(to))
                .execute();
            return rows.map((r) => ({
                entitlementId: r.entitlement_id,
                reviewerIsOwner: r.reviewer_is_owner === 1,
                reviewerOwnsSubject: r.subject_kind !== 'human' && r.subject_owner === r.reviewer_id,
                latencyMs: r.created_at - r.submitted_at,
            }));
        },
        async rejections(from, to) {
            const rows = await periodEvents(scope.db, ['review.rejected'], toMs(from), toMs(to));
            return rows.map((r) => {
                const code = dataOf(r.data).code;
                return {
                    entitlementId: r.entitlement_id,
                    rule: typeof code === 'string' ? code : 'unknown',
                };
            });
        },
        async residuals(from, to) {
            // Only a grant revoked after a failed attempt can have found its access still live.
            const revoked = await scope.db
                .selectFrom('grants')
                .select(['id', 'entitlement_id', 'target_id', 'revoked_at'])
                .where('revoked_at', '>=', toMs(from))
                .where('revoked_at', '<', toMs(to))
                .where('revoke_attempts', '>', 1)
                .execute();
            const firstLive = new Map();
            for (let i = 0; i < revoked.length; i += ID_CHUNK) {
                const ids = revoked.slice(i, i + ID_CHUNK).map((g) => g.id);
                // By grant id only, as in retrievedByEvent; type and text are checked here.
                const rows = await scope.db
                    .selectFrom('audit_events')
                    .select(['grant_id', 'type', 'at', 'data'])
                    .where('grant_id', 'in', ids)
                    .execute();
                for (const r of rows) {
                    const failed = r.type === 'grant.revoke_failed' || r.type === 'grant.irrevocable';
                    if (!failed || r.grant_id === null || !r.data.includes(STILL_LIVE))
                        continue;
                    firstLive.set(r.grant_id, Math.min(firstLive.get(r.grant_id) ?? Infinity, r.at));
                }
            }
            return revoked.flatMap((g) => {
                const live = firstLive.get(g.id);
                if (live === undefined || g.revoked_at === null)
                    return [];
                return [
                    {
                        entitlementId: g.entitlement_id,
                        targetId: g.target_id,
                        windowMs: Math.max(0, g.revoked_at - live),
                    },
                ];
            });
        },
        async breakGlass(from, to) {
            const t = toMs(to);
            const used = await scope.db
                .selectFrom('breakglass_reviews')
                .select(['used_at', 'due_at', 'reviewed_at'])
                .where('used_at', '>=', toMs(from))
                .where('used_at', '<', t)
                .execute();
            const overdue = await scope.db
                .selectFrom('breakglass_reviews')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('used_at', '<', t)
                .where('due_at', '<=', t)
                .where((eb) => eb.or([eb('reviewed_at', 'is', null), eb('reviewed_at', '>', t)]))
                .executeTakeFirstOrThrow();
            return {
                usedInPeriod: used.map((u) => ({
                    usedAt: fromMs(u.used_at),
                    dueAt: fromMs(u.due_at),
                    reviewedAt: fromMsOrNull(u.reviewed_at),
                })),
                overdueAtEnd: Number(overdue.n),
            };
        },
        async exceptions(from, to) {
            const t = toMs(to);
            const active = await scope.db
                .selectFrom('exceptions')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('created_at', '<=', t)
                .where('expires_at', '>', t)
                .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', t)]))
                .executeTakeFirstOrThrow();
            const used = await scope.db
                .selectFrom('audit_events')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('type', '=', 'exception.used')
                .where('at', '>=', toMs(from))
                .where('at', '<', t)
                .executeTakeFirstOrThrow();
            return { activeAtEnd: Number(active.n), used: Number(used.n) };
        },
        async latestReconciliations(to, targetIds) {
            const wanted = new Set(targetIds);
            const found = new Map();
            let before = null;
            for (let page = 0; page < RECONCILE_MAX_PAGES && found.size < wanted.size; page++) {
                // Newest first along the (type, at) index, with a keyset that never skips equal instants.
                let q = scope.db
                    .selectFrom('audit_events')
                    .select(['seq', 'at', 'data'])
                    .where('type', '=', 'reconcile.completed')
                    .where('at', '<=', toMs(to));
                if (before !== null) {
                    const b = before;
                    q = q.where((eb) => eb.or([eb('at', '<', b.at), eb.and([eb('at', '=', b.at), eb('seq', '<', b.seq)])]));
                }
                const rows = await q
                    .orderBy('at', 'desc')
                    .orderBy('seq', 'desc')
                    .limit(RECONCILE_PAGE)
                    .execute();
                for (const row of rows) {
                    const d = dataOf(row.data);
                    const targetId = d.targetId;
                    if (typeof targetId !== 'string' || !wanted.has(targetId) || found.has(targetId))
                        continue;
                    // The latest run of a target whose connector cannot list says nothing about coverage.
                    if (d.supported !== true) {
                        found.set(targetId, null);
                        continue;
                    }
                    const observed = typeof d.observed === 'number' ? d.observed : 0;
                    const backed = typeof d.backedByGrant === 'number' ? d.backedByGrant : null;
                    found.set(targetId, { targetId, observed, backedByGrant: backed });
                }
                if (rows.length < RECONCILE_PAGE)
                    break;
                const last = rows[rows.length - 1];
                before = last ? { at: last.at, seq: last.seq } : null;
            }
            return [...found.values()].filter((r) => r !== null);
        },
        async openFindings(at) {
            const t = toMs(at);
            const rows = await scope.db
                .selectFrom('findings')
                .select(['kind', 'target_id', 'details'])
                .where('first_seen_at', '<=', t)
                .where('state', '!=', 'accepted')
                .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>', t)]))
                .execute();
            return rows.map((r) => ({
                kind: r.kind,
                targetId: r.target_id,
                hasExpiry: dataOf(r.details).expiresAt !== undefined,
            }));
        },
    };
}
