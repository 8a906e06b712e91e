export { createCedarPolicyEngine } from './cedar-policy-engine.js';
export { loadPolicyBundle } from './policy-bundle.js';
export { loadPolicyTestDir, loadPolicyTestFile, parsePolicyTests } from './policy-test-cases.js';
export { formatPolicyTestResults, runPolicyTests } from './policy-test-runner.js';
