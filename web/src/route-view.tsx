import { lazy, Suspense, useEffect } from 'react'
import { navigate, type Location } from './hooks/use-location'
import { AuditPage } from './pages/audit-page'
import { BreakGlassPage } from './pages/break-glass-page'
import { ExceptionsPage } from './pages/exceptions-page'
import { FindingsPage } from './pages/findings-page'
import { MyAccessPage } from './pages/my-access-page'
import { NhisPage } from './pages/nhis-page'
import { NotFoundPage } from './pages/not-found-page'
import { RequestAccessPage } from './pages/request-access-page'
import { ReviewInboxPage } from './pages/review-inbox-page'
import { ReviewPage } from './pages/review-page'
import { HOME } from './routes'

// chart.js is most of the dashboard's weight: load it only when someone opens /outcomes.
const MetricsPage = lazy(() =>
  import('./pages/metrics-page').then((m) => ({ default: m.MetricsPage })),
)

export function RouteView({ location }: { location: Location }) {
  const { pathname, search } = location
  const isRoot = pathname === '/' || pathname === '/sign-in'
  useEffect(() => {
    if (isRoot) navigate(HOME)
  }, [isRoot])
  useEffect(() => {
    // Move focus to the new page so keyboard and screen-reader users start at its top.
    document.getElementById('main')?.focus({ preventScroll: true })
  }, [pathname])

  const review = /^\/reviews\/([^/]+)$/.exec(pathname)
  if (review?.[1]) return <ReviewPage requestId={decodeURIComponent(review[1])} />
  switch (pathname) {
    case '/':
    case '/sign-in':
      return null
    case '/request':
      return <RequestAccessPage preselect={search.get('entitlement')} />
    case '/mine':
      return <MyAccessPage />
    case '/reviews':
      return <ReviewInboxPage />
    case '/audit':
      return <AuditPage search={search} />
    case '/break-glass':
      return <BreakGlassPage />
    case '/findings':
      return <FindingsPage />
    case '/exceptions':
      return <ExceptionsPage />
    case '/nhis':
      return <NhisPage />
    case '/outcomes':
      return (
        <Suspense fallback={<p role="status">Loading the dashboard…</p>}>
          <MetricsPage />
        </Suspense>
      )
    default:
      return <NotFoundPage pathname={pathname} />
  }
}
