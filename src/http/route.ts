import type { Context } from 'hono'
import type { z } from 'zod'
import type { Identity } from '../domain/identity.js'
import type { HttpDeps } from './http-deps.js'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface RouteContext<B, Q> {
  deps: HttpDeps
  /** The authenticated caller; routes with `auth: 'none'` never read it. */
  actor: Identity
  params: Record<string, string>
  body: B
  query: Q
  c: Context
}

/**
 * One HTTP route: the same object registers the handler and describes it in the OpenAPI
 * document, so the two cannot drift apart.
 */
export interface RouteDef<B = unknown, Q = unknown> {
  method: HttpMethod
  /** OpenAPI-style path, e.g. `/v1/requests/{id}`. */
  path: string
  summary: string
  tag: string
  auth: 'none' | 'identity' | 'admin'
  body?: z.ZodType<B>
  /** Bodies sent as application/x-www-form-urlencoded (RFC 7662 introspection). */
  form?: boolean
  query?: z.ZodType<Q>
  /** Success status; 200 unless said otherwise. */
  status?: 200 | 201 | 202
  /** Describes the success body for the OpenAPI document. */
  response?: z.ZodType
  handler(ctx: RouteContext<B, Q>): Promise<unknown>
}

export function defineRoute<B = undefined, Q = undefined>(route: RouteDef<B, Q>): RouteDef<B, Q> {
  return route
}

/** A route with its body and query types erased, for registration and the OpenAPI document. */
export type AnyRoute = RouteDef
