/**
 * One process deciding as fast as it can: its own CedarPolicyEngine, warmed up, then deciding
 * alice's request for as long as the parent asks (IPC).
 */
import { createCedarPolicyEngine } from '../../src/policy/cedar/index.js';
import { autoApprovedDecisions } from './decision-inputs.js';
const send = process.send?.bind(process);
if (send === undefined)
    throw new Error('decision-process runs as a forked child');
const data = JSON.parse(process.argv[2] ?? '{}');
const engine = await createCedarPolicyEngine({ policyDir: data.policyDir });
const input = autoApprovedDecisions(new Date()).request;
const warmEnd = performance.now() + data.warmupMs;
while (performance.now() < warmEnd)
    await engine.decide(input);
const reply = (message) => {
    send(message);
};
process.on('message', (command) => {
    void (async () => {
        if (command.type === 'stop') {
            await engine.close();
            process.disconnect();
            return;
        }
        let decisions = 0;
        const start = performance.now();
        const end = start + command.durationMs;
        while (performance.now() < end) {
            const decision = await engine.decide(input);
            if (!decision.allowed)
                throw new Error('the benchmark request must be allowed');
            decisions++;
        }
        reply({ type: 'done', decisions, ms: performance.now() - start });
    })();
});
reply({ type: 'ready' });
