import './v8-flags.js';
import { randomUUID } from 'node:crypto';
import { preparsePolicySet, preparseSchema, statefulIsAuthorized, } from '@cedar-policy/cedar-wasm/nodejs';
import { AppError } from '../../domain/errors.js';
import { combineObligations, NO_OBLIGATIONS } from '../../domain/obligations.js';
import { buildCedarRequest } from './entities.js';
import { loadPolicyBundle, staticPolicies } from './policy-bundle.js';
/**
 * The Cedar adapter. The policy set and schema are parsed once per bundle version and held in
 * Cedar's cache under names unique to this engine and version; a decision sends only its request
 * and a handful of entities. Any Cedar error denies.
 *
 * @example
 * const engine = await createCedarPolicyEngine({ policyDir: config.policyDir })
 * const decision = await engine.decide(input)
 */
export async function createCedarPolicyEngine(options) {
    const engineId = `hourglass-${randomUUID()}`;
    let version = 0;
    let closed = false;
    // A function, not the variable, so the check after an await is not narrowed away.
    const isClosed = () => closed;
    let current = install(await loadPolicyBundle(options.policyDir));
    // Reloads run one at a time, so two overlapping reloads cannot install out of order.
    let reloading = Promise.resolve();
    function install(bundle) {
        version += 1;
        const next = {
            bundle,
            policySetId: `${engineId}/policies/${version}`,
            schemaName: `${engineId}/schema/${version}`,
        };
        const parsed = [
            preparseSchema(next.schemaName, bundle.schema),
            preparsePolicySet(next.policySetId, { staticPolicies: staticPolicies(bundle) }),
        ];
        const errors = parsed.flatMap((a) => a.type === 'failure' ? a.errors.map((e) => e.message) : []);
        if (errors.length > 0) {
            release(next);
            throw new AppError('policy.invalid', `Cedar could not load the bundle: ${errors.join('; ')}`);
        }
        return next;
    }
    async function reload() {
        if (closed)
            throw new AppError('policy.invalid', 'The policy engine is closed');
        const bundle = await loadPolicyBundle(options.policyDir);
        if (isClosed()) {
            throw new AppError('policy.invalid', 'The policy engine was closed during reload');
        }
        if (bundle.hash === current.bundle.hash)
            return { policyHash: bundle.hash, changed: false };
        const previous = current;
        // install() is synchronous and the swap is one assignment, so a decision sees either the
        // whole old bundle or the whole new one.
        current = install(bundle);
        release(previous);
        return { policyHash: bundle.hash, changed: true };
    }
    return {
        decide(input) {
            return Promise.resolve(closed ? closedDecision(current.bundle.hash) : decide(current, input));
        },
        policyHash: () => current.bundle.hash,
        bundle: () => current.bundle,
        reload() {
            const run = reloading.then(reload, reload);
            reloading = run.catch(() => undefined);
            return run;
        },
        close() {
            if (!closed) {
                closed = true;
                release(current);
            }
            return Promise.resolve();
        },
    };
}
/** Cedar has no eviction; overwriting a name with an empty set frees what it held. */
function release(installed) {
    try {
        preparsePolicySet(installed.policySetId, { staticPolicies: {} });
        preparseSchema(installed.schemaName, '');
    }
    catch {
        // Freeing memory is best-effort; the name is never used again.
    }
}
function decide(installed, input) {
    const { bundle } = installed;
    let answer;
    try {
        const request = buildCedarRequest(input);
        answer = statefulIsAuthorized({
            ...request,
            preparsedPolicySetId: installed.policySetId,
            preparsedSchemaName: installed.schemaName,
            validateRequest: true,
        });
    }
    catch (error) {
        return failed(bundle.hash, [], [`policy evaluation failed: ${messageOf(error)}`]);
    }
    if (answer.type === 'failure') {
        return failed(bundle.hash, [], answer.errors.map((e) => `policy evaluation failed: ${e.message}`));
    }
    const { decision, diagnostics } = answer.response;
    const determining = [...diagnostics.reason].sort();
    // Cedar skips a policy that errors and decides with the rest; an allow reached that way could
    // rest on a forbid that never ran, so any error denies.
    if (diagnostics.errors.length > 0) {
        const reasons = diagnostics.errors.map((e) => `policy "${e.policyId}" failed: ${e.error.message}`);
        return failed(bundle.hash, decision === 'deny' ? determining : [], reasons);
    }
    if (decision === 'deny') {
        return {
            allowed: false,
            policyHash: bundle.hash,
            determiningPolicies: determining,
            obligations: NO_OBLIGATIONS,
            reasons: determining.length === 0
                ? ['no permit policy applied']
                : determining.map((id) => forbidReason(bundle, id)),
            errored: false,
        };
    }
    const permits = determining.map((id) => bundle.policies.get(id));
    if (determining.length === 0 || permits.some((p) => p?.effect !== 'permit')) {
        return failed(bundle.hash, [], [`Cedar allowed on unexpected policies: ${determining.join(', ')}`]);
    }
    return {
        allowed: true,
        policyHash: bundle.hash,
        determiningPolicies: determining,
        obligations: combineObligations(permits.map((p) => p?.obligations ?? NO_OBLIGATIONS)),
        reasons: [`permitted by ${determining.join(', ')}`],
        errored: false,
    };
}
function forbidReason(bundle, id) {
    const description = bundle.policies.get(id)?.description;
    return description ? `forbidden by ${id}: ${description}` : `forbidden by ${id}`;
}
function failed(policyHash, determining, reasons) {
    return {
        allowed: false,
        policyHash,
        determiningPolicies: determining,
        obligations: NO_OBLIGATIONS,
        reasons,
        errored: true,
    };
}
function closedDecision(policyHash) {
    return failed(policyHash, [], ['the policy engine is closed']);
}
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}
