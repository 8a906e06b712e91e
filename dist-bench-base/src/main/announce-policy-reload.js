/**
 * Every process of a node decides with its own Cedar engine, so a reload in one (SIGHUP in the
 * primary, POST /v1/policy/reload in whichever worker took the request) is announced to the
 * others, which reload too. Only a reload that changed the bundle is announced: the others'
 * reloads then find nothing new, so the announcements stop there.
 */
export function announcePolicyReload(policy, announce) {
    if (!announce)
        return policy;
    return {
        decide: (input) => policy.decide(input),
        policyHash: () => policy.policyHash(),
        async reload() {
            const result = await policy.reload();
            if (result.changed)
                announce();
            return result;
        },
        close: () => policy.close(),
    };
}
