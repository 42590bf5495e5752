import type { AnchorHTMLAttributes, ComponentChildren } from 'preact'
import { onLinkClick } from '../router'

/** An anchor that navigates inside the app on a plain click and works as a link otherwise. */
export function Link(
  props: { href: string; children: ComponentChildren } & AnchorHTMLAttributes<HTMLAnchorElement>,
) {
  return <a {...props} onClick={onLinkClick} />
}
