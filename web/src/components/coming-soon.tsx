import type { ReactNode } from 'react'
import { EmptyState } from './empty-state'

/**
 * Placeholder for a page whose API does not exist yet. Replace the page's use of this component
 * with the real view once its /v1 endpoints land; the route and nav entry are already wired.
 */
export function ComingSoon({ api, children }: { api: string; children: ReactNode }) {
  return (
    <div data-placeholder="true">
      <p className="notice notice-info">
        <strong>Coming later.</strong> This page will read <code>{api}</code>, which the server does
        not provide yet. Nothing here is live.
      </p>
      <EmptyState title="Nothing to show yet">{children}</EmptyState>
    </div>
  )
}
