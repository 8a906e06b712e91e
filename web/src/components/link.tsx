import type { AnchorHTMLAttributes, MouseEvent } from 'react'
import { navigate } from '../hooks/use-location'

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }

/** A real anchor (keyboard, middle-click and copy-link keep working) that navigates in place. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e)
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return
    }
    e.preventDefault()
    navigate(href)
  }
  return <a href={href} onClick={handle} {...rest} />
}
