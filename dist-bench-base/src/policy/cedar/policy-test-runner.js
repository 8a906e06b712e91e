/**
 * Runs cases against any PolicyEngine, like `opa test`: each case is decided and compared with
 * its expectation. Cases run one after another so a report reads in file order.
 */
export async function runPolicyTests(engine, cases) {
    const results = [];
    for (const testCase of cases) {
        const decision = await engine.decide(testCase.input);
        const failures = compare(testCase.expect, decision);
        results.push({
            name: testCase.name,
            source: testCase.source,
            passed: failures.length === 0,
            decision,
            failures,
        });
    }
    return results;
}
export function compare(expect, decision) {
    const failures = [];
    const got = decision.allowed ? 'allow' : 'deny';
    if (got !== expect.decision) {
        failures.push(`decision: expected ${expect.decision}, got ${got} (${decision.reasons.join('; ')})`);
    }
    if (decision.errored !== expect.errored) {
        const detail = decision.errored ? ` (${decision.reasons.join('; ')})` : '';
        failures.push(`errored: expected ${expect.errored}, got ${decision.errored}${detail}`);
    }
    if (expect.determiningPolicies !== undefined) {
        const want = [...expect.determiningPolicies].sort();
        const have = [...decision.determiningPolicies].sort();
        if (!sameList(want, have)) {
            failures.push(`determiningPolicies: expected ${show(want)}, got ${show(have)}`);
        }
    }
    if (expect.obligations !== undefined) {
        for (const key of Object.keys(expect.obligations)) {
            const want = expect.obligations[key];
            const have = decision.obligations[key];
            if (!sameValue(want, have)) {
                failures.push(`obligations.${key}: expected ${show(want)}, got ${show(have)}`);
            }
        }
    }
    return failures;
}
/** A plain-text report: one line per case, the mismatches under each failure, and a summary. */
export function formatPolicyTestResults(results) {
    const lines = [];
    for (const r of results) {
        lines.push(`${r.passed ? 'PASS' : 'FAIL'} ${r.source}: ${r.name}`);
        for (const f of r.failures)
            lines.push(`     ${f}`);
    }
    const failed = results.filter((r) => !r.passed).length;
    lines.push(`${results.length - failed} passed, ${failed} failed, ${results.length} total`);
    return lines.join('\n');
}
function sameValue(a, b) {
    if (Array.isArray(a) && Array.isArray(b)) {
        const sorted = (list) => list.map(String).sort();
        return sameList(sorted(a), sorted(b));
    }
    return a === b;
}
function sameList(a, b) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
}
function show(value) {
    return value === undefined ? 'undefined' : JSON.stringify(value);
}
