import { serve } from '@hono/node-server';
import { createRuntime, publicUrlOf } from './runtime.js';
/** Starts the API and the lifecycle engine; overdue grants are revoked before it reports ready. */
export async function startServer(config, log, overrides = {}) {
    const runtime = await createRuntime(config, log, overrides);
    await runtime.engine.start();
    const server = await new Promise((resolve) => {
        const s = serve({ fetch: runtime.app.fetch, hostname: config.listen.host, port: config.listen.port }, () => {
            resolve(s);
        });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.listen.port;
    const url = config.publicUrl ?? `http://${config.listen.host}:${port}`;
    log.info({ url, engine: runtime.deps.store.engine, policyHash: runtime.deps.policy.policyHash() }, 'hourglass serving');
    return {
        runtime,
        url: url || publicUrlOf(config),
        async stop() {
            await new Promise((resolve) => server.close(() => { resolve(); }));
            await runtime.close();
        },
    };
}
