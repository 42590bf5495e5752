import { setQuery } from '../router'

/**
 * Tabs kept in the URL (`?tab=`), as links so that they open in a new tab too. Arrow keys move
 * between them, as the WAI-ARIA tabs pattern asks.
 */
export function Tabs({
  tabs,
  current,
}: {
  tabs: readonly { id: string; label: string }[]
  current: string
}) {
  const select = (id: string) => setQuery({ tab: id }, { replace: false })
  const onKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (!step) return
    const next = tabs[(index + step + tabs.length) % tabs.length]!
    select(next.id)
    document.getElementById(`tab-${next.id}`)?.focus()
  }
  return (
    <div class="tabs" role="tablist">
      {tabs.map((tab, i) => (
        <button
          key={tab.id}
          id={`tab-${tab.id}`}
          type="button"
          role="tab"
          aria-selected={tab.id === current}
          tabIndex={tab.id === current ? 0 : -1}
          class="tab"
          onClick={() => select(tab.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  )
}
