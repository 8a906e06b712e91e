import { useState, type ReactNode } from 'react'

/** Renders the first `page` items and a button for the next page: long histories stay light. */
export function ShowMore<T>({
  items,
  page = 10,
  children,
}: {
  items: T[]
  page?: number
  children: (item: T) => ReactNode
}) {
  const [limit, setLimit] = useState(page)
  const more = Math.min(page, items.length - limit)
  return (
    <>
      <div className="card-list">{items.slice(0, limit).map(children)}</div>
      {more > 0 && (
        <button
          type="button"
          onClick={() => {
            setLimit(limit + page)
          }}
        >
          Show {more} more
        </button>
      )}
    </>
  )
}
