import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
/**
 * Serves the built single-page UI (web/dist) at `/`. Unknown GET paths outside the API fall back
 * to index.html so client-side routes survive a reload. The UI holds no rules: it calls /v1.
 */
export function mountWebUi(app, distDir, oidcIssuer) {
    const index = path.join(distDir, 'index.html');
    if (!existsSync(index))
        return false;
    const html = readFileSync(index, 'utf8');
    const root = path.relative(process.cwd(), distDir) || '.';
    // SSO sign-in fetches discovery and the token endpoint from the browser: allow that one origin.
    const connect = oidcIssuer ? `; connect-src 'self' ${new URL(oidcIssuer).origin}` : '';
    const csp = `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'${connect}`;
    app.use('/assets/*', serveStatic({ root }));
    app.get('*', async (c, next) => {
        const p = c.req.path;
        if (p.startsWith('/v1/') || p === '/openapi.json' || p === '/metrics' || p.startsWith('/healthz') || p.startsWith('/readyz')) {
            await next();
            return;
        }
        c.header('Content-Security-Policy', csp);
        c.header('X-Content-Type-Options', 'nosniff');
        c.header('Referrer-Policy', 'no-referrer');
        return c.html(html);
    });
    return true;
}
