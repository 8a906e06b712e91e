import { useEffect, type ReactNode } from 'react'

/** One page: sets the document title and gives the page a single h1 for screen readers. */
export function Page({
  title,
  intro,
  children,
}: {
  title: string
  intro?: ReactNode
  children: ReactNode
}) {
  useEffect(() => {
    document.title = `${title} · Hourglass`
  }, [title])
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      {intro && <p className="intro">{intro}</p>}
      {children}
    </section>
  )
}
