import { useEffect, useState } from 'react'
import { toApiError, type ApiError } from '../api/api-error'
import type { SubmitRequestInput } from '../api/client'
import type { RequestPreviewJson } from '../api/types'

export interface PreviewState {
  loading: boolean
  result: RequestPreviewJson | null
  error: ApiError | null
}

/**
 * Asks the server what submitting `input` would decide, after the user pauses typing, and drops
 * answers to inputs that have since changed so a slow reply cannot show a stale decision.
 */
export function useRequestPreview(
  preview: (input: SubmitRequestInput) => Promise<RequestPreviewJson>,
  input: SubmitRequestInput | null,
  delayMs = 400,
): PreviewState {
  const [state, setState] = useState<PreviewState>({ loading: false, result: null, error: null })
  const key = input === null ? null : JSON.stringify(input)
  useEffect(() => {
    if (key === null) {
      setState({ loading: false, result: null, error: null })
      return
    }
    let current = true
    setState((s) => ({ ...s, loading: true }))
    const timer = setTimeout(() => {
      preview(JSON.parse(key) as SubmitRequestInput).then(
        (result) => {
          if (current) setState({ loading: false, result, error: null })
        },
        (e: unknown) => {
          if (current) setState({ loading: false, result: null, error: toApiError(e) })
        },
      )
    }, delayMs)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [preview, key, delayMs])
  return state
}
