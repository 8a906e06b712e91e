import { performance } from 'node:perf_hooks';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/**
 * Times every request, errors included (onError has set the response by the time `next`
 * returns). The route label is the template the router matched, set by the route itself, so
 * ids in paths never become label values; any method outside the standard set is `OTHER`.
 */
export function observeRequests(observe) {
    return async (c, next) => {
        const started = performance.now();
        try {
            await next();
        }
        finally {
            observe({
                method: METHODS.has(c.req.method) ? c.req.method : 'OTHER',
                route: routeLabel(c),
                status: c.res.status,
                seconds: (performance.now() - started) / 1000,
            });
        }
    };
}
function routeLabel(c) {
    const route = c.get('route');
    if (route !== undefined)
        return route;
    return c.res.status === 404 ? 'unmatched' : 'other';
}
