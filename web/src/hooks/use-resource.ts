import { useCallback, useEffect, useRef, useState } from 'react'
import { toApiError, type ApiError } from '../api/api-error'

export interface Resource<T> {
  data: T | null
  error: ApiError | null
  loading: boolean
  reload: () => void
}

/**
 * Loads once per `key`, then again every `pollMs` so server-side changes (a grant expiring, a
 * review arriving) show without a reload. Polls never overlap, and a failed poll keeps the last
 * good data next to the error instead of blanking the page.
 */
export function useResource<T>(key: string, load: () => Promise<T>, pollMs?: number): Resource<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [loading, setLoading] = useState(true)
  const [nonce, setNonce] = useState(0)
  const [shownKey, setShownKey] = useState(key)
  if (shownKey !== key) {
    // A different thing is being loaded: never show the previous one's data under its name.
    setShownKey(key)
    setData(null)
    setError(null)
    setLoading(true)
  }
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    let live = true
    let timer: number | undefined
    const tick = async () => {
      try {
        const value = await loadRef.current()
        if (!live) return
        setData(value)
        setError(null)
      } catch (e) {
        if (live) setError(toApiError(e))
      } finally {
        if (live) {
          setLoading(false)
          if (pollMs !== undefined) timer = window.setTimeout(() => void tick(), pollMs)
        }
      }
    }
    void tick()
    return () => {
      live = false
      window.clearTimeout(timer)
    }
  }, [key, pollMs, nonce])

  const reload = useCallback(() => {
    setNonce((n) => n + 1)
  }, [])
  return { data, error, loading, reload }
}
