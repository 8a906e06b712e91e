import '../../src/policy/cedar/v8-flags.js';
import { randomUUID } from 'node:crypto';
import { preparsePolicySet, preparseSchema, statefulIsAuthorized, } from '@cedar-policy/cedar-wasm/nodejs';
import { staticPolicies } from '../../src/policy/cedar/policy-bundle.js';
export function preparseRaw(bundle) {
    const policySetId = `bench-raw-${randomUUID()}`;
    const schemaName = `${policySetId}/schema`;
    const answers = [
        preparseSchema(schemaName, bundle.schema),
        preparsePolicySet(policySetId, { staticPolicies: staticPolicies(bundle) }),
    ];
    if (answers.some((a) => a.type === 'failure'))
        throw new Error('Cedar could not pre-parse the bundle');
    return {
        decide: (request) => statefulIsAuthorized({
            ...request,
            preparsedPolicySetId: policySetId,
            preparsedSchemaName: schemaName,
            // As the engine asks: validation is part of the unavoidable cost, not ours.
            validateRequest: true,
        }),
        release() {
            // Cedar has no eviction: overwriting the names with empty values frees what they held.
            try {
                preparsePolicySet(policySetId, { staticPolicies: {} });
                preparseSchema(schemaName, '');
            }
            catch {
                // Best-effort; the names are never used again.
            }
        },
    };
}
export function isAllow(answer) {
    return answer.type === 'success' && answer.response.decision === 'allow';
}
