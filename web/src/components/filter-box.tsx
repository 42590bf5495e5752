import { useEffect, useState } from 'preact/hooks'

const EXAMPLES = [
  'metrics.accuracy > 0.9',
  "params.model = 'cnn' AND metrics.loss < 0.2",
  "tags.team LIKE 'vision%'",
  "attributes.status = 'FINISHED'",
]

/**
 * The MLflow filter grammar in a search box: Enter applies it (and puts it in the URL), Clear
 * removes it. The server parses it, so its error message is the one shown on a typo.
 */
export function FilterBox({
  value,
  onApply,
}: {
  value: string
  onApply: (filter: string) => void
}) {
  const [draft, setDraft] = useState(value)
  useEffect(() => setDraft(value), [value])
  return (
    <form
      class="filter-box"
      role="search"
      onSubmit={(e) => {
        e.preventDefault()
        onApply(draft.trim())
      }}
    >
      <input
        type="search"
        class="input mono"
        name="filter"
        list="filter-examples"
        placeholder="metrics.accuracy > 0.9 AND params.model = 'cnn'"
        aria-label="Filter runs (MLflow search syntax)"
        value={draft}
        onInput={(e) => setDraft(e.currentTarget.value)}
      />
      <datalist id="filter-examples">
        {EXAMPLES.map((example) => (
          <option key={example} value={example} />
        ))}
      </datalist>
      <button type="submit" class="button primary">
        Search
      </button>
      {value && (
        <button type="button" class="button" onClick={() => onApply('')}>
          Clear
        </button>
      )}
    </form>
  )
}
