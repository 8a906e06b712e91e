import { useCallback, useState } from 'react'
import { toApiError, type ApiError } from '../api/api-error'

export interface Action<A extends unknown[], T> {
  run: (...args: A) => Promise<T | null>
  busy: boolean
  error: ApiError | null
  result: T | null
  reset: () => void
}

/** One user-triggered call (submit, approve, revoke): tracks busy, the result and the error. */
export function useAction<A extends unknown[], T>(fn: (...args: A) => Promise<T>): Action<A, T> {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [result, setResult] = useState<T | null>(null)
  const run = useCallback(
    async (...args: A) => {
      setBusy(true)
      setError(null)
      try {
        const value = await fn(...args)
        setResult(value)
        return value
      } catch (e) {
        setError(toApiError(e))
        setResult(null)
        return null
      } finally {
        setBusy(false)
      }
    },
    [fn],
  )
  const reset = useCallback(() => {
    setError(null)
    setResult(null)
  }, [])
  return { run, busy, error, result, reset }
}
