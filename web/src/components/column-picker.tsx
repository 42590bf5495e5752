import { useEffect, useRef, useState } from 'preact/hooks'

export interface FieldGroups {
  readonly metrics: readonly string[]
  readonly params: readonly string[]
  readonly tags: readonly string[]
}

const GROUPS = [
  { kind: 'metrics', label: 'Metrics' },
  { kind: 'params', label: 'Parameters' },
  { kind: 'tags', label: 'Tags' },
] as const

/** Open/closed state of a popover that a click outside or Escape closes. */
function usePopover() {
  const [isOpen, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!isOpen) return
    const onPointer = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [isOpen])
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !isOpen) return
    setOpen(false)
    // Focus goes back to the button that opened it, as for any dialog.
    root.current?.querySelector('button')?.focus()
  }
  return { isOpen, setOpen, root, onKeyDown }
}

/**
 * A "Columns" button opening a panel of checkboxes, one per metric, param and tag key, with a
 * search box for runs that log hundreds of keys.
 */
export function ColumnPicker(props: {
  fields: FieldGroups
  chosen: readonly string[]
  onChange: (columns: string[]) => void
}) {
  const { isOpen, setOpen, root, onKeyDown } = usePopover()
  const [search, setSearch] = useState('')
  return (
    <div class="popover-anchor" ref={root} onKeyDown={onKeyDown}>
      <button
        type="button"
        class="button"
        aria-expanded={isOpen}
        aria-controls="column-picker"
        onClick={() => setOpen(!isOpen)}
      >
        Columns ({props.chosen.length})
      </button>
      {isOpen && (
        <div id="column-picker" class="popover" role="dialog" aria-label="Choose columns">
          <input
            type="search"
            class="input"
            placeholder="Find a key"
            aria-label="Find a column key"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            autoFocus
          />
          <div class="popover-body">
            <PickerGroups {...props} search={search.toLowerCase()} />
          </div>
          <div class="popover-footer">
            <button type="button" class="button small" onClick={() => props.onChange([])}>
              None
            </button>
            <button type="button" class="button small" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  )
}

function PickerGroups({
  fields,
  chosen,
  onChange,
  search,
}: {
  fields: FieldGroups
  chosen: readonly string[]
  onChange: (columns: string[]) => void
  search: string
}) {
  const toggle = (key: string) =>
    onChange(chosen.includes(key) ? chosen.filter((c) => c !== key) : [...chosen, key])
  return (
    <>
      {GROUPS.map(({ kind, label }) => {
        const keys = fields[kind].filter((k) => k.toLowerCase().includes(search))
        if (keys.length === 0) return null
        return (
          <fieldset key={kind} class="picker-group">
            <legend>{label}</legend>
            {keys.map((key) => (
              <label key={key} class="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(`${kind}.${key}`)}
                  onChange={() => toggle(`${kind}.${key}`)}
                />
                <span>{key}</span>
              </label>
            ))}
          </fieldset>
        )
      })}
    </>
  )
}
