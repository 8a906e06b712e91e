import type { ErrorCategory } from '../domain/errors.js'
import { AppError } from '../domain/errors.js'

/** The compiler forces a status for every category (no instanceof chains). */
export const STATUS: Record<ErrorCategory, 400 | 401 | 403 | 404 | 409 | 429 | 503 | 500> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: Record<string, unknown> }
}

/** Unknown throws become `internal` with a generic message; the cause goes to the log only. */
export function toErrorResponse(
  error: unknown,
  requestId: string,
): { status: (typeof STATUS)[ErrorCategory]; body: ErrorBody } {
  const app =
    error instanceof AppError ? error : new AppError('internal', 'Internal error; see the server log')
  const body: ErrorBody = { error: { code: app.code, message: app.message, requestId } }
  if (app.details !== undefined) body.error.details = app.details
  return { status: STATUS[app.category], body }
}
