import { useEffect, useState } from 'react'

const EVENT = 'hourglass:navigate'

/** Client-side navigation; the server answers every non-API path with index.html. */
export function navigate(to: string): void {
  if (to === window.location.pathname + window.location.search) return
  window.history.pushState(null, '', to)
  window.dispatchEvent(new Event(EVENT))
}

export interface Location {
  pathname: string
  search: URLSearchParams
}

function current(): Location {
  return {
    pathname: window.location.pathname,
    search: new URLSearchParams(window.location.search),
  }
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current)
  useEffect(() => {
    const update = () => {
      setLocation(current())
    }
    window.addEventListener('popstate', update)
    window.addEventListener(EVENT, update)
    return () => {
      window.removeEventListener('popstate', update)
      window.removeEventListener(EVENT, update)
    }
  }, [])
  return location
}
