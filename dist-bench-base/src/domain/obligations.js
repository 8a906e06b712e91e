export const NO_OBLIGATIONS = {
    approvals: 0,
    ownerApproval: false,
    approverGroups: [],
    maxDurationSeconds: null,
    ticketRequired: false,
};
/** Strictest-wins: more approvals, any owner requirement, union of groups, the shortest cap. */
export function combineObligations(all) {
    return all.reduce((acc, o) => ({
        approvals: Math.max(acc.approvals, o.approvals),
        ownerApproval: acc.ownerApproval || o.ownerApproval,
        approverGroups: [...new Set([...acc.approverGroups, ...o.approverGroups])].sort(),
        maxDurationSeconds: acc.maxDurationSeconds === null
            ? o.maxDurationSeconds
            : o.maxDurationSeconds === null
                ? acc.maxDurationSeconds
                : Math.min(acc.maxDurationSeconds, o.maxDurationSeconds),
        ticketRequired: acc.ticketRequired || o.ticketRequired,
    }), NO_OBLIGATIONS);
}
/** Approvals can never be fewer than what owner/group requirements imply. */
export function effectiveApprovals(o) {
    return Math.max(o.approvals, o.ownerApproval ? 1 : 0, o.approverGroups.length);
}
