import type { Me } from '../api/types'
import { NAV } from '../routes'
import { Link } from './link'

export function AppHeader({
  me,
  pathname,
  onSignOut,
}: {
  me: Me | null
  pathname: string
  onSignOut: () => void
}) {
  return (
    <header className="app-header">
      <div className="brand-row">
        <span className="brand">
          <svg className="brand-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d="M3 1h10v2L9 8l4 5v2H3v-2l4-5-4-5z" />
          </svg>
          Hourglass
        </span>
        {me && (
          <div className="whoami" aria-label="Signed in identity">
            <span>
              Signed in as <strong data-testid="whoami">{me.displayName}</strong>{' '}
              <span className="muted">({me.id})</span>
            </span>
            <button type="button" className="link-button" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        )}
      </div>
      {me && (
        <nav aria-label="Main">
          <ul className="nav-list">
            {NAV.map((item) => {
              const current = pathname === item.path || pathname.startsWith(`${item.path}/`)
              return (
                <li key={item.path}>
                  <Link href={item.path} aria-current={current ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              )
            })}
          </ul>
        </nav>
      )}
    </header>
  )
}
