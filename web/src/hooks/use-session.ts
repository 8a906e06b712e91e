import { createContext, useContext } from 'react'
import type { ApiClient } from '../api/client'
import type { Me } from '../api/types'

export interface Session {
  client: ApiClient
  me: Me
  signOut: () => void
}

export const SessionContext = createContext<Session | null>(null)

/** Pages below the sign-in gate always have a session; anything else is a wiring bug. */
export function useSession(): Session {
  const session = useContext(SessionContext)
  if (session === null) throw new Error('useSession outside a signed-in session')
  return session
}
