import { parseDuration } from '../../domain/duration.js';
import { isAppError } from '../../domain/errors.js';
import { NO_OBLIGATIONS } from '../../domain/obligations.js';
/** Annotations that turn a permit into approval rules. */
export const OBLIGATION_ANNOTATIONS = [
    'approvals',
    'owner_approval',
    'approver_group',
    'max_duration',
    'ticket_required',
];
/** Annotations with no effect on decisions: the policy's name and the text shown on a deny. */
export const INFORMATIONAL_ANNOTATIONS = ['id', 'description'];
/** More than this many distinct approvers is a typo, not a workflow. */
export const MAX_APPROVALS = 10;
const KNOWN = new Set([...OBLIGATION_ANNOTATIONS, ...INFORMATIONAL_ANNOTATIONS]);
const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
/**
 * Reads the obligation annotations of one policy. Everything is checked here, at load, so a
 * decision never meets a malformed value. Unknown annotations are refused because a misspelt
 * obligation (`@max_duraton`) would otherwise silently weaken the workflow.
 */
export function obligationsFromAnnotations(annotations, effect) {
    const problems = [];
    const o = { ...NO_OBLIGATIONS, approverGroups: [] };
    for (const [key, value] of Object.entries(annotations)) {
        if (!KNOWN.has(key)) {
            problems.push(`unknown annotation @${key} (allowed: ${[...KNOWN].map((k) => `@${k}`).join(', ')})`);
            continue;
        }
        if (!isObligationKey(key))
            continue;
        if (effect === 'forbid') {
            problems.push(`@${key} is an obligation and only applies to permit policies`);
            continue;
        }
        if (value === null) {
            problems.push(`@${key} needs a value`);
            continue;
        }
        const problem = apply(o, key, value);
        if (problem !== null)
            problems.push(problem);
    }
    const implied = Math.max(o.ownerApproval ? 1 : 0, o.approverGroups.length);
    if (annotations.approvals != null && o.approvals < implied) {
        problems.push(`@approvals("${o.approvals}") is fewer than the ${implied} approval(s) that @owner_approval and @approver_group require`);
    }
    return { obligations: o, problems };
}
function isObligationKey(key) {
    return OBLIGATION_ANNOTATIONS.includes(key);
}
function apply(o, key, value) {
    switch (key) {
        case 'approvals': {
            const n = /^\d{1,2}$/.test(value) ? Number(value) : Number.NaN;
            if (!(n >= 0 && n <= MAX_APPROVALS)) {
                return `@approvals("${value}") must be a whole number from 0 to ${MAX_APPROVALS}`;
            }
            o.approvals = n;
            return null;
        }
        case 'owner_approval':
        case 'ticket_required': {
            if (value !== 'true' && value !== 'false')
                return `@${key}("${value}") must be "true" or "false"`;
            if (key === 'owner_approval')
                o.ownerApproval = value === 'true';
            else
                o.ticketRequired = value === 'true';
            return null;
        }
        case 'approver_group': {
            const groups = value.split(',').map((g) => g.trim());
            const bad = groups.filter((g) => !GROUP_NAME.test(g));
            if (bad.length > 0) {
                return `@approver_group("${value}") must be a comma-separated list of group names; invalid: ${bad.map((g) => JSON.stringify(g)).join(', ')}`;
            }
            o.approverGroups = [...new Set(groups)].sort();
            return null;
        }
        case 'max_duration': {
            try {
                o.maxDurationSeconds = parseDuration(value);
                return null;
            }
            catch (error) {
                if (!isAppError(error))
                    throw error;
                return `@max_duration("${value}") is not a valid duration (e.g. "PT1H", "30m", "8h")`;
            }
        }
    }
}
