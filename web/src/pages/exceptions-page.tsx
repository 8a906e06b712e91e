import { ComingSoon } from '../components/coming-soon'
import { Page } from '../components/page'

// Placeholder until the exceptions API exists (DESIGN §1: time-bound, at most 90 days).
export function ExceptionsPage() {
  return (
    <Page title="Exceptions">
      <ComingSoon api="/v1/exceptions">
        <p>
          Time-bound policy exceptions will be listed here with their scope, reason, approver,
          expiry and how often each was used; exceptions renewed again and again are flagged as
          drift.
        </p>
      </ComingSoon>
    </Page>
  )
}
