import './v8-flags.js';
import { policySetTextToParts, policyToJson, validate, } from '@cedar-policy/cedar-wasm/nodejs';
import { AppError } from '../../domain/errors.js';
import { readBundleFiles } from './bundle-files.js';
import { obligationsFromAnnotations } from './obligations-from-annotations.js';
const POLICY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/**
 * Loads `*.cedarschema` (exactly one) and `*.cedar` from `dir`, then parses and strictly validates
 * them. Every problem in every file is reported at once, as `file:line:col: message`, in one
 * AppError('policy.invalid'), so an author fixes a bundle in one pass.
 */
export async function loadPolicyBundle(dir) {
    const files = await readBundleFiles(dir);
    const problems = [];
    const policies = new Map();
    const starts = new Map();
    for (const file of files.policies) {
        for (const parsed of splitPolicies(file, problems)) {
            const earlier = policies.get(parsed.policy.id);
            if (earlier !== undefined) {
                problems.push(`${file.name}: @id("${parsed.policy.id}") is also used in ${earlier.file}; policy ids must be unique`);
                continue;
            }
            policies.set(parsed.policy.id, parsed.policy);
            starts.set(parsed.policy.id, parsed.start);
        }
    }
    // Policies whose only fault is an annotation are validated too, so one pass shows it all. The
    // validator also parses the schema; its failures are the schema's.
    const { errors, warnings } = validateStrictly(files.schema, policies, starts, files.policies);
    problems.push(...errors);
    if (problems.length > 0)
        throw invalid(problems);
    return {
        hash: files.hash,
        schemaFile: files.schema.name,
        schema: files.schema.text,
        policyIds: [...policies.keys()].sort(),
        policies,
        warnings,
    };
}
/** The policies as Cedar's `staticPolicies`, keyed by `@id`. */
export function staticPolicies(bundle) {
    return textsById(bundle.policies);
}
function textsById(policies) {
    return Object.fromEntries([...policies].map(([id, p]) => [id, p.text]));
}
function splitPolicies(file, problems) {
    const parts = policySetTextToParts(file.text);
    if (parts.type === 'failure') {
        problems.push(...parts.errors.map((e) => located(file, 0, e)));
        return [];
    }
    if (parts.policy_templates.length > 0) {
        problems.push(`${file.name}: templates (policies with ?principal or ?resource slots) are not supported`);
    }
    const out = [];
    let searchFrom = 0;
    for (const text of parts.policies) {
        const index = file.text.indexOf(text, searchFrom);
        const start = index < 0 ? 0 : Buffer.byteLength(file.text.slice(0, index));
        if (index >= 0)
            searchFrom = index + text.length;
        const parsed = parsePolicy(file, text, start, problems);
        if (parsed !== null)
            out.push({ policy: parsed, start });
    }
    return out;
}
function parsePolicy(file, text, start, problems) {
    const json = policyToJson(text);
    if (json.type === 'failure') {
        problems.push(...json.errors.map((e) => located(file, start, e)));
        return null;
    }
    const annotations = (json.json.annotations ?? {});
    const where = position(file.text, start);
    const id = annotations.id;
    if (id === undefined || id === null || !POLICY_ID.test(id)) {
        const got = id === undefined ? 'none' : JSON.stringify(id);
        problems.push(`${file.name}:${where}: every policy needs an @id("…") annotation of letters, digits and . _ : - (got ${got})`);
        return null;
    }
    const { obligations, problems: annotationProblems } = obligationsFromAnnotations(annotations, json.json.effect);
    problems.push(...annotationProblems.map((p) => `${file.name}:${where}: policy "${id}": ${p}`));
    const clean = {};
    for (const [key, value] of Object.entries(annotations))
        clean[key] = value ?? '';
    return {
        id,
        file: file.name,
        effect: json.json.effect,
        text,
        annotations: clean,
        obligations,
        description: annotations.description ?? null,
    };
}
function validateStrictly(schema, policies, starts, files) {
    const answer = validate({
        schema: schema.text,
        policies: { staticPolicies: textsById(policies) },
        validationSettings: { mode: 'strict' },
    });
    if (answer.type === 'failure') {
        return { errors: answer.errors.map((e) => located(schema, 0, e)), warnings: [] };
    }
    const byName = new Map(files.map((f) => [f.name, f]));
    const describePolicyError = (policyId, error) => {
        const policy = policies.get(policyId);
        const file = policy === undefined ? undefined : byName.get(policy.file);
        if (policy === undefined || file === undefined)
            return `policy "${policyId}": ${detail(error)}`;
        return located(file, starts.get(policyId) ?? 0, error);
    };
    return {
        errors: answer.validationErrors.map((e) => describePolicyError(e.policyId, e.error)),
        warnings: [
            ...answer.validationWarnings.map((w) => describePolicyError(w.policyId, w.error)),
            ...answer.otherWarnings.map(detail),
        ],
    };
}
function invalid(unsorted) {
    const problems = [...unsorted].sort(byLocation);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    return new AppError('policy.invalid', `Policy bundle is invalid (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`, { details: { problems: [...problems] } });
}
const LOCATION = /^([^:]+):(?:(\d+):(\d+):)?/;
/** File, then line, then column; messages without a position come first in their file. */
function byLocation(a, b) {
    const [, fa = '', la = '0', ca = '0'] = LOCATION.exec(a) ?? [];
    const [, fb = '', lb = '0', cb = '0'] = LOCATION.exec(b) ?? [];
    if (fa !== fb)
        return fa < fb ? -1 : 1;
    return Number(la) - Number(lb) || Number(ca) - Number(cb);
}
/** `file:line:col: message (help)`, from a Cedar error whose offsets are relative to `base`. */
function located(file, base, error) {
    const offset = error.sourceLocations?.[0]?.start;
    const where = offset === undefined ? '' : `:${position(file.text, base + offset)}`;
    return `${file.name}${where}: ${detail(error)}`;
}
function detail(error) {
    const label = error.sourceLocations?.[0]?.label;
    const parts = [error.message, label ? `(${label})` : '', error.help ? `(${error.help})` : ''];
    return parts.filter((p) => p !== '').join(' ');
}
/** 1-based `line:col` of a UTF-8 byte offset, as Cedar reports offsets in bytes. */
function position(text, byteOffset) {
    const before = Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8');
    const lines = before.split('\n');
    return `${lines.length}:${(lines.at(-1)?.length ?? 0) + 1}`;
}
