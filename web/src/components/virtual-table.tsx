import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'

/** One column: a fixed width, a header, and how to draw a cell of row `index`. */
export interface Column {
  readonly id: string
  readonly widthPx: number
  readonly header: ComponentChildren
  /** `ascending`/`descending` when the rows are sorted by this column (for aria-sort). */
  readonly sort?: 'ascending' | 'descending' | 'none'
  readonly cell: (index: number) => ComponentChildren
  readonly align?: 'end'
}

const ROW_HEIGHT_PX = 36
/** Rows drawn beyond the visible ones, so fast scrolling and Tab never meet a gap. */
const OVERSCAN = 8

/** The range of rows inside (or near) the scroller's viewport. */
function useVisibleRows(rowCount: number) {
  const scroller = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [viewportPx, setViewportPx] = useState(600)
  useEffect(() => {
    const element = scroller.current
    if (!element) return
    const observer = new ResizeObserver(() => setViewportPx(element.clientHeight))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  useEffect(() => {
    // A new list (another filter) starts at its top.
    if (scroller.current) scroller.current.scrollTop = 0
    setScrollTop(0)
  }, [rowCount])
  return {
    scroller,
    onScroll: (e: { currentTarget: HTMLDivElement }) => setScrollTop(e.currentTarget.scrollTop),
    first: Math.max(0, Math.floor(scrollTop / ROW_HEIGHT_PX) - OVERSCAN),
    last: Math.min(rowCount, Math.ceil((scrollTop + viewportPx) / ROW_HEIGHT_PX) + OVERSCAN),
  }
}

function cellClass(column: Column): string {
  return column.align === 'end' ? 'vt-cell end' : 'vt-cell'
}

/**
 * A table that keeps only the visible rows in the DOM, so 10,000 rows scroll as smoothly as 10.
 * Rows have one fixed height; the header stays on top while the body scrolls.
 */
export function VirtualTable(props: {
  rowCount: number
  columns: readonly Column[]
  rowKey: (index: number) => string
  label: string
  isRowSelected: (index: number) => boolean
}) {
  const { rowCount, columns, label } = props
  const { scroller, onScroll, first, last } = useVisibleRows(rowCount)
  const template = columns.map((c) => `${c.widthPx}px`).join(' ')
  const widthPx = columns.reduce((sum, c) => sum + c.widthPx, 0)
  const rows = []
  for (let i = first; i < last; i++)
    rows.push(<BodyRow key={props.rowKey(i)} index={i} template={template} {...props} />)
  return (
    <div class="vt-scroll card" ref={scroller} onScroll={onScroll}>
      <div
        role="table"
        aria-label={label}
        aria-rowcount={rowCount + 1}
        style={{ minWidth: `${widthPx}px` }}
      >
        <div role="rowgroup" class="vt-head">
          <div
            role="row"
            aria-rowindex={1}
            class="vt-row vt-head-row"
            style={{ gridTemplateColumns: template }}
          >
            {columns.map((c) => (
              <div key={c.id} role="columnheader" aria-sort={c.sort} class={cellClass(c)}>
                {c.header}
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup" class="vt-body" style={{ height: `${rowCount * ROW_HEIGHT_PX}px` }}>
          {rows}
        </div>
      </div>
    </div>
  )
}

function BodyRow({
  index,
  template,
  columns,
  isRowSelected,
}: {
  index: number
  template: string
  columns: readonly Column[]
  isRowSelected: (index: number) => boolean
}) {
  const isSelected = isRowSelected(index)
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      class={isSelected ? 'vt-row is-selected' : 'vt-row'}
      style={{ gridTemplateColumns: template, transform: `translateY(${index * ROW_HEIGHT_PX}px)` }}
    >
      {columns.map((c) => (
        <div key={c.id} role="cell" class={cellClass(c)}>
          {c.cell(index)}
        </div>
      ))}
    </div>
  )
}
