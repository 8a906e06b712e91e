/**
 * The API token lives in sessionStorage: it survives a reload of this tab but not the browser
 * session, and other tabs cannot read it. Never localStorage, never a cookie.
 */
const KEY = 'hourglass.token'

export function loadToken(): string | null {
  try {
    return sessionStorage.getItem(KEY)
  } catch {
    return null
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token)
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY)
}
