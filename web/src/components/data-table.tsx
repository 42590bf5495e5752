import type { ComponentChildren } from 'preact'

/** A column heading: its text, or the text and `end` for numbers (aligned right). */
export type Column = string | { readonly label: string; readonly end: true }

/**
 * A table of a page's objects in a scrolling card: the headings here, the rows as children.
 * (Tables of thousands of rows use VirtualTable instead.)
 */
export function DataTable({
  label,
  variant,
  section = false,
  columns,
  children,
}: {
  /** The table's accessible name, when the page holds more than one table. */
  label?: string
  /** `compact` rows, or a page's own table class. */
  variant?: string
  /** Spaced as a section of its page. */
  section?: boolean
  columns: readonly Column[]
  children: ComponentChildren
}) {
  return (
    <div class={section ? 'table-scroll card section' : 'table-scroll card'}>
      <table class={variant ? `table ${variant}` : 'table'} aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <th key={c} scope="col">
                  {c}
                </th>
              ) : (
                <th key={c.label} scope="col" class="end">
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}
