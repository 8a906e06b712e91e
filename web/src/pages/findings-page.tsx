import { ComingSoon } from '../components/coming-soon'
import { Page } from '../components/page'

// Placeholder until reconciliation findings are exposed over HTTP (DESIGN §5).
export function FindingsPage() {
  return (
    <Page title="Findings">
      <ComingSoon api="/v1/findings">
        <p>
          Reconciliation findings will appear here: shadow access, lingering access, drift, orphaned
          non-human identities and stale credentials, each open, resolved or accepted as an
          exception.
        </p>
      </ComingSoon>
    </Page>
  )
}
