import { ComingSoon } from '../components/coming-soon'
import { Page } from '../components/page'

// Placeholder until the break-glass API exists (DESIGN §1: post-use review by someone else).
export function BreakGlassPage() {
  return (
    <Page title="Break-glass review queue">
      <ComingSoon api="/v1/breakglass">
        <p>
          Emergency grants taken with an incident reference will be listed here for their mandatory
          post-use review. Unreviewed break-glass escalates and will be highlighted.
        </p>
      </ComingSoon>
    </Page>
  )
}
