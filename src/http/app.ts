import { randomUUID } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { ZodError } from 'zod'
import { AppError } from '../domain/errors.js'
import type { Identity } from '../domain/identity.js'
import { isAdmin } from '../app/load.js'
import { limitBody } from './body-limit.js'
import { toErrorResponse } from './error-response.js'
import type { HttpDeps } from './http-deps.js'
import { buildOpenApi } from './openapi.js'
import { mountWebUi } from './web-ui.js'
import { observeRequests } from './http-metrics.js'
import type { AnyRoute } from './route.js'
import { auditRoutes } from './routes/audit.js'
import { breakGlassRoutes } from './routes/breakglass.js'
import { exceptionRoutes } from './routes/exceptions.js'
import { governanceRoutes } from './routes/governance.js'
import { catalogRoutes } from './routes/catalog.js'
import { findingRoutes } from './routes/findings.js'
import { grantRoutes } from './routes/grants.js'
import { healthRoutes } from './routes/health.js'
import { identityRoutes } from './routes/identities.js'
import { jwtRoutes } from './routes/jwt.js'
import { policyRoutes } from './routes/policy.js'
import { requestRoutes } from './routes/requests.js'
import { exchangeRoutes } from './routes/exchange.js'
import { evidenceRoutes } from './routes/evidence.js'
import { scimRoutes } from './routes/scim.js'
import { ticketRoutes } from './routes/tickets.js'
import { authConfigRoutes } from './routes/auth-config.js'
import { reportRoutes } from './routes/reports.js'
import { requestPreviewRoutes } from './routes/request-preview.js'

export const MAX_BODY_BYTES = 64 * 1024

export const ROUTES: readonly AnyRoute[] = [
  ...healthRoutes,
  ...catalogRoutes,
  ...requestRoutes,
  ...grantRoutes,
  ...identityRoutes,
  ...auditRoutes,
  ...policyRoutes,
  ...jwtRoutes,
  ...findingRoutes,
  ...breakGlassRoutes,
  ...exceptionRoutes,
  ...governanceRoutes,
  ...scimRoutes,
  ...ticketRoutes,
  ...reportRoutes,
  ...exchangeRoutes,
  ...evidenceRoutes,
  ...authConfigRoutes,
  ...requestPreviewRoutes,
] as AnyRoute[]

type Env = { Variables: { requestId: string; route?: string } }

/** Builds the HTTP application. It never listens: main/ does (and tests call `app.request`). */
export function buildApp(deps: HttpDeps, extraRoutes: readonly AnyRoute[] = []): Hono<Env> {
  const routes = [...ROUTES, ...extraRoutes]
  const app = new Hono<Env>()
  if (deps.observeRequest) app.use('*', observeRequests(deps.observeRequest))
  app.use('*', async (c, next) => {
    c.set('requestId', randomUUID())
    c.header('X-Request-Id', c.get('requestId'))
    await next()
  })
  app.use(
    '*',
    limitBody(MAX_BODY_BYTES, () => {
      throw new AppError('input.too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes`)
    }),
  )
  app.onError((error, c) => errorResponse(deps, c, error))
  app.notFound((c) =>
    errorResponse(deps, c, new AppError('route.not_found', `No route ${c.req.method} ${c.req.path}`)),
  )
  const openapi = buildOpenApi(routes, deps.version)
  app.get('/openapi.json', (c) => {
    c.set('route', '/openapi.json')
    return c.json(openapi)
  })
  for (const route of routes) {
    const honoPath = route.path.replace(/\{(\w+)\}/g, ':$1')
    app.on(route.method.toUpperCase(), honoPath, async (c) => {
      c.set('route', route.path)
      try {
        const actor = route.auth === 'none' ? anonymous : await authorize(deps, c, route.auth)
        const body: unknown = route.body ? route.body.parse(await readBody(c, route.form === true)) : undefined
        const query: unknown = route.query ? route.query.parse(c.req.query()) : undefined
        const result = await route.handler({
          deps,
          actor,
          params: c.req.param(),
          body,
          query,
          c,
        })
        if (result instanceof Response) return result
        return c.json(result as object, route.status ?? 200)
      } catch (error) {
        // Hono's onError only sees Error instances; anything else thrown (a hand-built Zod 4
        // ZodError is one) would leave as a bare 500 without an error code.
        if (error instanceof Error) throw error
        return errorResponse(deps, c, error)
      }
    })
  }
  if (deps.webUiDir) mountWebUi(app, deps.webUiDir, deps.webSignIn?.issuer)
  return app
}

const anonymous: Identity = Object.freeze({
  id: 'anonymous',
  kind: 'human',
  displayName: 'anonymous',
  email: null,
  status: 'suspended',
  groups: [],
  ownerId: null,
  purpose: null,
  oidcIssuer: null,
  oidcSubject: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  version: 0,
})

async function authorize(deps: HttpDeps, c: Context, level: 'identity' | 'admin'): Promise<Identity> {
  const actor = await deps.authenticate(c.req.header('authorization'))
  if (level === 'admin' && !isAdmin(actor, deps.settings.adminGroup)) {
    throw new AppError('auth.forbidden', 'This action needs an administrator')
  }
  return actor
}

async function readBody(c: Context, form: boolean): Promise<unknown> {
  if (form && (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(await c.req.text()))
  }
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new AppError('input.invalid', 'The request body is not valid JSON')
  }
}

function errorResponse(deps: HttpDeps, c: Context<Env>, error: unknown): Response {
  const requestId = c.get('requestId')
  const mapped = error instanceof ZodError ? fromZod(error) : error
  const { status, body } = toErrorResponse(mapped, requestId)
  if (status >= 500) {
    deps.log.error({ err: error, requestId, path: c.req.path }, 'request failed')
  }
  return c.json(body, status)
}

function fromZod(error: ZodError): AppError {
  const issues = error.issues.slice(0, 20).map((i) => ({
    path: i.path.join('.'),
    message: i.message,
  }))
  const summary = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')
  return new AppError('input.invalid', `Invalid input: ${summary}`, { details: { issues } })
}
