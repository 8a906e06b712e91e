import { AppError, isErrorCode, type ErrorCategory } from '../domain/errors.js'

export interface ClientOptions {
  baseUrl: string
  token?: string | undefined
  /** Per-call timeout in milliseconds. */
  timeoutMs?: number
}

/**
 * The API client the CLI (and any script) uses. Errors come back as AppError with the server's
 * code, so callers branch on codes, not on message text.
 */
export class HourglassClient {
  readonly #o: ClientOptions

  constructor(options: ClientOptions) {
    this.#o = options
  }

  get baseUrl(): string {
    return this.#o.baseUrl
  }

  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    const qs = query
      ? new URLSearchParams(
          Object.entries(query)
            .filter((e): e is [string, string | number] => e[1] !== undefined)
            .map(([k, v]): [string, string] => [k, String(v)]),
        ).toString()
      : ''
    return this.#call<T>('GET', qs ? `${path}?${qs}` : path)
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.#call<T>('POST', path, body ?? {})
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.#o.token) headers.authorization = `Bearer ${this.#o.token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(new URL(path, this.#o.baseUrl), {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 30_000),
      })
    } catch (error) {
      throw new AppError('store.unavailable', `Cannot reach the Hourglass server at ${this.#o.baseUrl}`, {
        cause: error,
      })
    }
    const text = await response.text()
    const parsed = text ? (JSON.parse(text) as unknown) : null
    if (!response.ok) throw toAppError(response.status, parsed)
    return parsed as T
  }
}

function toAppError(status: number, body: unknown): AppError {
  const err = (body as { error?: { code?: string; message?: string; requestId?: string; details?: Record<string, unknown> } } | null)?.error
  if (err?.code && isErrorCode(err.code)) {
    return new AppError(err.code, err.message ?? err.code, {
      details: { ...(err.details ?? {}), requestId: err.requestId },
    })
  }
  return new AppError('internal', `Unexpected HTTP ${status} from the server`)
}

/** Exit codes by category, so scripts can tell "denied" from "server down". */
export const EXIT_CODES: Record<ErrorCategory, number> = {
  invalid: 2,
  unauthenticated: 3,
  forbidden: 4,
  not_found: 5,
  conflict: 6,
  rate_limited: 7,
  unavailable: 8,
  internal: 1,
}
