import { durationStats, lagHistogram, share } from './duration-stats.js';
function emptyValues() {
    return {
        lags: [],
        overdue: 0,
        irrevocable: 0,
        residualWindows: [],
        submitted: 0,
        requestedMs: [],
        approved: 0,
        deniedByReason: { policy: 0, reviewer: 0, expired: 0, cancelled: 0 },
        granted: 0,
        grantedMs: [],
        completedEarly: 0,
        expiredUnused: 0,
        approvals: 0,
        ownerApprovals: 0,
        approvalLatencies: [],
        blockedByRule: {},
        timeToAccess: [],
    };
}
/** Where one fact lands: always `overall`, plus its target, entitlement and risk tier when known. */
class Slices {
    overall = emptyValues();
    byTarget = new Map();
    byEntitlement = new Map();
    byRiskTier = new Map();
    #catalog;
    constructor(facts) {
        this.#catalog = new Map(facts.entitlements.map((e) => [e.id, e]));
    }
    /** Every slice a fact about this entitlement (and target, if the catalog forgot it) counts in. */
    of(entitlementId, targetId) {
        const out = [this.overall];
        if (entitlementId === null)
            return out;
        const known = this.#catalog.get(entitlementId);
        const target = known?.targetId ?? targetId;
        out.push(slot(this.byEntitlement, entitlementId));
        if (target !== undefined)
            out.push(slot(this.byTarget, target));
        out.push(slot(this.byRiskTier, known?.riskTier ?? 'unknown'));
        return out;
    }
}
function slot(map, key) {
    let v = map.get(key);
    if (!v) {
        v = emptyValues();
        map.set(key, v);
    }
    return v;
}
function within(at, from, to) {
    return at !== null && at.getTime() >= from.getTime() && at.getTime() < to.getTime();
}
/** Adds one grant's contributions; each measure has its own window rule (docs/reports.md). */
function addGrant(s, g, from, to) {
    const due = g.revokeDueAt ?? g.expiresAt;
    const revokedByEnd = g.revokedAt !== null && g.revokedAt.getTime() <= to.getTime();
    if (within(g.revokedAt, from, to) &&
        g.revocationLagMs !== null &&
        g.verification !== 'not_issued') {
        s.lags.push(g.revocationLagMs);
    }
    const everIssued = g.issuedAt !== null && g.issuedAt.getTime() <= to.getTime();
    if (due.getTime() <= to.getTime() && !revokedByEnd && everIssued) {
        if (g.state === 'irrevocable')
            s.irrevocable++;
        else
            s.overdue++;
    }
    if (within(g.issuedAt, from, to)) {
        s.granted++;
        s.grantedMs.push(g.expiresAt.getTime() - g.startsAt.getTime());
        s.timeToAccess.push(Math.max(0, g.issuedAt.getTime() - g.submittedAt.getTime()));
    }
    if (g.revokeReason === 'completed' &&
        within(g.revokeDueAt, from, to) &&
        g.revokeDueAt.getTime() < g.expiresAt.getTime()) {
        s.completedEarly++;
    }
    const endedByExpiry = g.revokeReason === null || g.revokeReason === 'expired';
    if (within(g.expiresAt, from, to) && endedByExpiry && g.issuedAt !== null && !g.used) {
        s.expiredUnused++;
    }
}
function gather(facts) {
    const { from, to } = facts.period;
    const slices = new Slices(facts);
    for (const r of facts.requests) {
        for (const s of slices.of(r.entitlementId)) {
            s.submitted++;
            s.requestedMs.push(r.durationSeconds * 1000);
        }
    }
    for (const d of facts.decisions) {
        for (const s of slices.of(d.entitlementId)) {
            if (d.kind === 'approved')
                s.approved++;
            else
                s.deniedByReason[d.kind] = (s.deniedByReason[d.kind] ?? 0) + 1;
        }
    }
    for (const g of facts.grants) {
        for (const s of slices.of(g.entitlementId, g.targetId))
            addGrant(s, g, from, to);
    }
    for (const a of facts.approvals) {
        for (const s of slices.of(a.entitlementId)) {
            s.approvals++;
            if (a.reviewerIsOwner || a.reviewerOwnsSubject)
                s.ownerApprovals++;
            s.approvalLatencies.push(Math.max(0, a.latencyMs));
        }
    }
    for (const r of facts.rejections) {
        for (const s of slices.of(r.entitlementId)) {
            s.blockedByRule[r.rule] = (s.blockedByRule[r.rule] ?? 0) + 1;
        }
    }
    for (const r of facts.residuals) {
        for (const s of slices.of(r.entitlementId, r.targetId))
            s.residualWindows.push(r.windowMs);
    }
    return slices;
}
function toSlice(v) {
    const denied = Object.values(v.deniedByReason).reduce((a, b) => a + b, 0);
    const blocked = Object.values(v.blockedByRule).reduce((a, b) => a + b, 0);
    return {
        revocation: {
            lag: durationStats(v.lags),
            histogram: lagHistogram(v.lags),
            overdue: v.overdue,
            irrevocable: v.irrevocable,
            residual: { count: v.residualWindows.length, window: durationStats(v.residualWindows) },
        },
        requests: {
            submitted: v.submitted,
            approved: v.approved,
            denied,
            deniedByReason: { ...v.deniedByReason },
            granted: v.granted,
            requestedSeconds: durationStats(v.requestedMs),
            grantedSeconds: durationStats(v.grantedMs),
            completedEarly: v.completedEarly,
            expiredUnused: v.expiredUnused,
        },
        reviewers: {
            approvals: v.approvals,
            ownerApprovals: v.ownerApprovals,
            ownershipMatch: share(v.ownerApprovals, v.approvals),
            approvalLatency: durationStats(v.approvalLatencies),
            blockedAttempts: blocked,
            blockedByRule: { ...v.blockedByRule },
        },
        timeToAccess: durationStats(v.timeToAccess),
    };
}
function toRecord(map) {
    const keys = [...map.keys()].sort();
    return Object.fromEntries(keys.map((k) => [k, toSlice(map.get(k) ?? emptyValues())]));
}
function breakGlassSection(facts) {
    const to = facts.period.to.getTime();
    const uses = facts.breakGlass.usedInPeriod;
    const reviewed = uses.filter((u) => u.reviewedAt !== null && u.reviewedAt.getTime() <= to);
    const inTime = reviewed.filter((u) => (u.reviewedAt?.getTime() ?? Infinity) <= u.dueAt.getTime());
    return {
        uses: uses.length,
        reviewed: reviewed.length,
        reviewedInTime: inTime.length,
        reviewedInTimeShare: share(inTime.length, uses.length),
        overdue: facts.breakGlass.overdueAtEnd,
    };
}
function exceptionsSection(facts, granted) {
    const used = facts.exceptions.used;
    const rate = share(used * 100, granted);
    return {
        active: facts.exceptions.activeAtEnd,
        used,
        ratePer100Grants: rate,
        driftFlagged: facts.openFindings.filter((f) => f.kind === 'exception_drift').length,
    };
}
function coverageSection(facts) {
    const open = (kind, targetId) => facts.openFindings.filter((f) => f.kind === kind && (targetId === undefined || f.targetId === targetId));
    let observed = 0;
    let backed = 0;
    for (const r of facts.reconciliations) {
        observed += r.observed;
        // Older reconciliations did not record the count: everything not unexplained is backed.
        const unexplained = open('shadow', r.targetId).length + open('lingering', r.targetId).length;
        backed += r.backedByGrant ?? Math.max(0, r.observed - unexplained);
    }
    const shadow = open('shadow');
    return {
        observed,
        backedByGrant: backed,
        share: share(backed, observed),
        shadow: shadow.length,
        orphanedNhis: open('orphaned_nhi').length,
        standing: shadow.filter((f) => !f.hasExpiry).length,
    };
}
/**
 * The governance report for one period, from facts the store read. Pure: the same facts give
 * the same report, so tests build facts whose answer is known by construction.
 */
export function computeGovernanceReport(facts) {
    const slices = gather(facts);
    const overall = toSlice(slices.overall);
    return {
        period: { from: facts.period.from.toISOString(), to: facts.period.to.toISOString() },
        generatedAt: facts.generatedAt.toISOString(),
        overall,
        byTarget: toRecord(slices.byTarget),
        byEntitlement: toRecord(slices.byEntitlement),
        byRiskTier: toRecord(slices.byRiskTier),
        breakGlass: breakGlassSection(facts),
        exceptions: exceptionsSection(facts, overall.requests.granted),
        coverage: coverageSection(facts),
    };
}
