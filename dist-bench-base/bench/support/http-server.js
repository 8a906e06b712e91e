import { serve } from '@hono/node-server';
/** Serves the app on a kernel-chosen loopback port, as `hourglass serve` does on its own. */
export async function listenOnLoopback(app) {
    const server = await new Promise((resolve) => {
        const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
            resolve(s);
        });
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return {
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((resolve) => {
            if ('closeAllConnections' in server)
                server.closeAllConnections();
            server.close(() => {
                resolve();
            });
        }),
    };
}
