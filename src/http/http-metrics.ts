import { performance } from 'node:perf_hooks'
import type { Context, MiddlewareHandler } from 'hono'

export interface HttpRequestObservation {
  method: string
  /** The route template (`/v1/grants/{id}`), `unmatched`, or `other` (web UI, or refused before routing); never the raw path. */
  route: string
  status: number
  seconds: number
}

/** Told of every answered request; main/ feeds it into the metrics. */
export type HttpRequestObserver = (observation: HttpRequestObservation) => void

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * Times every request, errors included (onError has set the response by the time `next`
 * returns). The route label is the template the router matched, set by the route itself, so
 * ids in paths never become label values; any method outside the standard set is `OTHER`.
 */
export function observeRequests(observe: HttpRequestObserver): MiddlewareHandler<{ Variables: { route?: string } }> {
  return async (c, next) => {
    const started = performance.now()
    try {
      await next()
    } finally {
      observe({
        method: METHODS.has(c.req.method) ? c.req.method : 'OTHER',
        route: routeLabel(c),
        status: c.res.status,
        seconds: (performance.now() - started) / 1000,
      })
    }
  }
}

function routeLabel(c: Context<{ Variables: { route?: string } }>): string {
  const route = c.get('route')
  if (route !== undefined) return route
  return c.res.status === 404 ? 'unmatched' : 'other'
}
