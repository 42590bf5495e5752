import type { TargetedMouseEvent } from 'preact'
import { useEffect, useState } from 'preact/hooks'

/*
 * A tiny history router: the URL is the state of every page (filters, sort, columns, tabs),
 * so a reload or a shared link shows the same view.
 */

const listeners = new Set<() => void>()

function notify(): void {
  for (const listener of listeners) listener()
}

window.addEventListener('popstate', notify)

/** Goes to `href` (path and query) without reloading; `replace` keeps history short. */
export function navigate(href: string, { replace = false } = {}): void {
  if (href === location.pathname + location.search) return
  const isNewPage = new URL(href, location.href).pathname !== location.pathname
  if (replace) history.replaceState(null, '', href)
  else history.pushState(null, '', href)
  // A new page starts at its top; a new tab, sort or file on the same page stays where it is.
  if (isNewPage) window.scrollTo(0, 0)
  notify()
}

/** The current location; re-renders the caller when it changes. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setVersion] = useState(0)
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1)
    listeners.add(listener)
    return () => listeners.delete(listener)
  }, [])
  return { path: location.pathname, query: new URLSearchParams(location.search) }
}

/**
 * Rewrites some query parameters of the current URL (undefined or '' removes one). Typing in
 * a box replaces the history entry; a deliberate choice pushes one.
 */
export function setQuery(patch: Record<string, string | undefined>, { replace = true } = {}): void {
  const query = new URLSearchParams(location.search)
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === '') query.delete(key)
    else query.set(key, value)
  }
  const search = query.toString()
  navigate(`${location.pathname}${search ? `?${search}` : ''}`, { replace })
}

/**
 * Matches `/runs/:id`-style patterns, where a final `*` takes the rest of the path (ids such as
 * `churn/3` hold slashes); returns the decoded parameters or undefined.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = []
  const source = pattern.replace(/:(\w+)|\*$/g, (_m, name: string | undefined) => {
    names.push(name ?? '*')
    return name ? '([^/]+)' : '(.+)'
  })
  const match = new RegExp(`^${source}/?$`).exec(path)
  if (!match) return undefined
  const params: Record<string, string> = {}
  names.forEach((name, i) => {
    try {
      params[name] = decodeURIComponent(match[i + 1] ?? '')
    } catch {
      params[name] = match[i + 1] ?? ''
    }
  })
  return params
}

/** Client-side navigation for plain left clicks; other clicks keep the browser's behaviour. */
export function onLinkClick(event: TargetedMouseEvent<HTMLAnchorElement>): void {
  const anchor = event.currentTarget
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return
  }
  if (anchor.target || anchor.origin !== location.origin || anchor.hasAttribute('download')) {
    return
  }
  event.preventDefault()
  navigate(anchor.pathname + anchor.search)
}
