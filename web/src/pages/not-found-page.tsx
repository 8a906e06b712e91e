import { Link } from '../components/link'
import { Page } from '../components/page'
import { HOME } from '../routes'

export function NotFoundPage({ pathname }: { pathname: string }) {
  return (
    <Page title="Page not found">
      <p>
        There is no page at <code>{pathname}</code>. <Link href={HOME}>Go to my access</Link>.
      </p>
    </Page>
  )
}
