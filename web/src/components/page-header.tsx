import type { ComponentChildren } from 'preact'
import { Link } from './link'

export interface Crumb {
  readonly label: string
  readonly href?: string
}

/** Breadcrumbs, the page title and the page's actions, the same on every page. */
export function PageHeader({
  crumbs = [],
  title,
  actions,
  children,
}: {
  crumbs?: readonly Crumb[]
  title: ComponentChildren
  actions?: ComponentChildren
  children?: ComponentChildren
}) {
  return (
    <header class="page-header">
      {crumbs.length > 0 && (
        <nav class="crumbs" aria-label="Breadcrumbs">
          {crumbs.map((c) => (
            <span key={c.label}>
              {c.href ? <Link href={c.href}>{c.label}</Link> : c.label}
              <span aria-hidden="true"> / </span>
            </span>
          ))}
        </nav>
      )}
      <div class="page-title-row">
        <h1>{title}</h1>
        {actions && <div class="page-actions">{actions}</div>}
      </div>
      {children}
    </header>
  )
}

/** A run status as a coloured pill. */
export function StatusBadge({ status }: { status: string | undefined }) {
  return <span class={`badge status-${(status ?? 'unknown').toLowerCase()}`}>{status ?? '—'}</span>
}
