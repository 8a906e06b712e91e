import { listenOnLoopback } from './http-server.js';
import { LoadDriver } from './load-driver.js';
import { nowMs } from './stats.js';
import { startBenchWorld, tapSignals } from './world.js';
/** Closed-loop clients: enough to keep the server busy, few enough to stay a realistic fleet. */
export const CONCURRENCY = 16;
/** Sample humans: any of them may ask for orders-read. */
export const REQUESTERS = ['alice', 'bob', 'olivia', 'paul', 'sam', 'admin'];
export const REQUEST_BODY = JSON.stringify({
    entitlementId: 'orders-read',
    justification: 'Benchmark: read order history for OPS-1',
    duration: '1h',
});
/** A world served over a real loopback socket, its activations wired to the load worker. */
export async function servedWorld(databaseUrl) {
    const world = await startBenchWorld({ databaseUrl });
    await world.runtime.engine.start();
    const http = await listenOnLoopback(world.runtime.app);
    const tokens = REQUESTERS.map((id) => world.tokens[id] ?? '');
    const driver = new LoadDriver({ url: http.url, tokens, body: REQUEST_BODY });
    let activations = 0;
    const waiters = new Map();
    const early = new Set();
    let tracking = false;
    tapSignals(world.runtime, {
        grantActivated(grant) {
            activations++;
            driver.activated(grant.id);
            const waiter = waiters.get(grant.id);
            if (waiter)
                waiter();
            else if (tracking)
                early.add(grant.id);
        },
    });
    const active = (grantId) => early.delete(grantId)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.set(grantId, resolve));
    async function oneAtATime(samples) {
        tracking = true;
        let submitMs = 0;
        let issueMs = 0;
        for (let i = 0; i < samples; i++) {
            const t0 = nowMs();
            const res = await world.runtime.app.request('/v1/requests', {
                method: 'POST',
                headers: {
                    authorization: `Bearer ${world.tokens.alice ?? ''}`,
                    'content-type': 'application/json',
                },
                body: REQUEST_BODY,
            });
            const body = (await res.json());
            if (res.status !== 201 || !body.grant)
                throw new Error(`submit failed: HTTP ${res.status}`);
            const t1 = nowMs();
            await active(body.grant.id);
            waiters.delete(body.grant.id);
            submitMs += t1 - t0;
            issueMs += nowMs() - t1;
        }
        tracking = false;
        return { submitMs: submitMs / samples, issueMs: issueMs / samples };
    }
    return {
        world,
        driver,
        activations: () => activations,
        oneAtATime,
        async close() {
            await driver.stop();
            await http.close();
            await world.close();
        },
    };
}
