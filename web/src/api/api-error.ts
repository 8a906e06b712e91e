import type { ErrorJson } from './types'

/**
 * Codes the browser itself produces when the server never answered with an error body. They are
 * namespaced `client.` so they can never be mistaken for a server decision.
 */
export type ClientErrorCode =
  | 'client.network'
  | 'client.unexpected_response'
  | 'client.oidc_state_mismatch'
  | 'client.oidc_failed'

/** An error as the server stated it: the code is what the UI branches on and always shows. */
export class ApiError extends Error {
  readonly code: string
  readonly status: number
  readonly requestId: string | null
  readonly details: Record<string, unknown> | null

  constructor(status: number, body: Pick<ErrorJson, 'code' | 'message'> & Partial<ErrorJson>) {
    super(body.message)
    this.name = 'ApiError'
    this.code = body.code
    this.status = status
    this.requestId = body.requestId ?? null
    this.details = body.details ?? null
  }

  get isUnauthenticated(): boolean {
    return this.status === 401
  }
}

export function clientError(code: ClientErrorCode, message: string): ApiError {
  return new ApiError(0, { code, message })
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  return clientError(
    'client.unexpected_response',
    error instanceof Error ? error.message : String(error),
  )
}
