import { IDENTITY_ID_PATTERN } from './identity.js';
const PLACEHOLDER = /\{([A-Za-z0-9_.:-]{1,64})\}/g;
/** Claim values that may appear in a key: scalars only, never objects that stringify loosely. */
function claimText(value) {
    if (typeof value === 'string')
        return value;
    if (typeof value === 'number' && Number.isSafeInteger(value))
        return String(value);
    if (typeof value === 'boolean')
        return String(value);
    return null;
}
export function renderClaimTemplate(template, claims) {
    let value = '';
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
        const name = match[1] ?? '';
        const text = Object.hasOwn(claims, name) ? claimText(claims[name]) : null;
        if (text === null || text === '')
            return { ok: false, claim: name };
        value += template.slice(last, match.index) + text;
        last = match.index + match[0].length;
    }
    return { ok: true, value: value + template.slice(last) };
}
/** Claim names a mapping reads, so the exchange can record exactly what bound the job. */
export function templateClaims(mapping) {
    const template = 'workloadId' in mapping ? mapping.workloadId : mapping.key;
    return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}
/**
 * The workload identity a verified token maps to, or why none. Pure: the token's signature,
 * issuer, audience and lifetime were checked before this runs.
 */
export function mapWorkloadClaims(rule, claims) {
    for (const [claim, expected] of Object.entries(rule.requiredClaims)) {
        const actual = Object.hasOwn(claims, claim) ? claimText(claims[claim]) : null;
        if (actual !== expected)
            return { ok: false, reason: 'required_claim_mismatch', claim };
    }
    const mapping = rule.claimMapping;
    if ('workloadId' in mapping) {
        const rendered = renderClaimTemplate(mapping.workloadId, claims);
        if (!rendered.ok)
            return { ok: false, reason: 'claim_missing', claim: rendered.claim };
        // Claim values are inserted verbatim and never normalised: two jobs must not fold into one id.
        if (!IDENTITY_ID_PATTERN.test(rendered.value))
            return { ok: false, reason: 'no_mapping' };
        return { ok: true, workloadId: rendered.value, key: rendered.value };
    }
    const rendered = renderClaimTemplate(mapping.key, claims);
    if (!rendered.ok)
        return { ok: false, reason: 'claim_missing', claim: rendered.claim };
    const workloadId = Object.hasOwn(mapping.workloads, rendered.value)
        ? mapping.workloads[rendered.value]
        : undefined;
    if (workloadId === undefined)
        return { ok: false, reason: 'no_mapping' };
    return { ok: true, workloadId, key: rendered.value };
}
/** Claims worth keeping as evidence of which job held access, when the token has them. */
export const JOB_CLAIMS = [
    'sub',
    'repository',
    'repository_owner',
    'ref',
    'sha',
    'workflow',
    'job_workflow_ref',
    'run_id',
    'run_attempt',
    'environment',
    'actor',
    'event_name',
    'project_path',
    'pipeline_id',
    'job_id',
    'namespace_path',
];
export function jobClaimsSummary(claims, extra = []) {
    const summary = {};
    for (const name of [...JOB_CLAIMS, ...extra]) {
        const text = Object.hasOwn(claims, name) ? claimText(claims[name]) : null;
        if (text !== null)
            summary[name] = text.slice(0, 200);
    }
    return summary;
}
