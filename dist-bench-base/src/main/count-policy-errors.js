/**
 * The policy engine, calling `onError` for every decision that failed to evaluate. Such a
 * decision denies (fail closed), so without this a broken policy looks like ordinary denials.
 */
export function countPolicyErrors(policy, onError) {
    return {
        async decide(input) {
            const decision = await policy.decide(input);
            if (decision.errored)
                onError();
            return decision;
        },
        policyHash: () => policy.policyHash(),
        reload: () => policy.reload(),
        close: () => policy.close(),
    };
}
