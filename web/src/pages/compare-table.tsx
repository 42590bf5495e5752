import { Link } from '../components/link'
import { formatDuration, formatNumber, formatTime } from '../lib/format'
import { durationMs, type IndexedRun } from '../lib/run-fields'
import { setQuery } from '../router'

export interface ComparedRun extends IndexedRun {
  readonly color: string
}

interface Row {
  readonly group: string
  readonly label: string
  readonly values: readonly string[]
}

function union(runs: readonly IndexedRun[], pick: (r: IndexedRun) => Iterable<string>): string[] {
  const keys = new Set<string>()
  for (const r of runs) for (const key of pick(r)) keys.add(key)
  return [...keys].sort((a, b) => a.localeCompare(b))
}

function rowsOf(runs: readonly IndexedRun[]): Row[] {
  const attribute = (label: string, value: (r: IndexedRun) => string): Row => ({
    group: 'Attributes',
    label,
    values: runs.map(value),
  })
  const rows: Row[] = [
    attribute('Status', (r) => r.run.info.status ?? ''),
    attribute('Started', (r) => formatTime(r.run.info.start_time)),
    attribute('Duration', (r) => formatDuration(durationMs(r.run))),
    attribute('User', (r) => r.run.info.user_id ?? ''),
  ]
  for (const key of union(runs, (r) => r.params.keys())) {
    rows.push({ group: 'Parameters', label: key, values: runs.map((r) => r.params.get(key) ?? '') })
  }
  for (const key of union(runs, (r) => r.metrics.keys())) {
    const values = runs.map((r) => (r.metrics.has(key) ? formatNumber(r.metrics.get(key)) : ''))
    rows.push({ group: 'Metrics', label: key, values })
  }
  const userTags = (r: IndexedRun) => [...r.tags.keys()].filter((k) => !/^(mlflow|lathe)\./.test(k))
  for (const key of union(runs, userTags)) {
    rows.push({ group: 'Tags', label: key, values: runs.map((r) => r.tags.get(key) ?? '') })
  }
  return rows
}

function differs(row: Row): boolean {
  return row.values.some((v) => v !== row.values[0])
}

/**
 * Runs side by side, one column each; a row whose values differ is highlighted, and "Only
 * differences" (`?diff=1`) hides the rest.
 */
export function CompareTable({
  runs,
  isOnlyDiff,
}: {
  runs: readonly ComparedRun[]
  isOnlyDiff: boolean
}) {
  const rows = rowsOf(runs)
  const visible = isOnlyDiff ? rows.filter(differs) : rows
  const groups = [...new Set(visible.map((r) => r.group))]
  return (
    <section class="card" aria-label="Side by side">
      <div class="card-head">
        <h2>Side by side</h2>
        <label class="check">
          <input
            type="checkbox"
            name="only-differences"
            checked={isOnlyDiff}
            onChange={(e) => setQuery({ diff: e.currentTarget.checked ? '1' : undefined })}
          />
          Only differences ({rows.filter(differs).length})
        </label>
      </div>
      <div class="table-scroll">
        <table class="table compact compare-table">
          <CompareHead runs={runs} />
          {groups.map((group) => (
            <tbody key={group}>
              <tr class="group-row">
                <th scope="rowgroup" colSpan={runs.length + 1}>
                  {group}
                </th>
              </tr>
              {visible
                .filter((r) => r.group === group)
                .map((row) => (
                  <CompareRow key={row.label} row={row} />
                ))}
            </tbody>
          ))}
        </table>
        {visible.length === 0 && <p class="muted">These runs do not differ in any field.</p>}
      </div>
    </section>
  )
}

function CompareHead({ runs }: { runs: readonly ComparedRun[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">Field</th>
        {runs.map((r) => (
          <th scope="col" key={r.id}>
            <span class="swatch" style={{ background: r.color }} aria-hidden="true" />
            <Link href={`/runs/${r.id}`}>{r.name}</Link>
          </th>
        ))}
      </tr>
    </thead>
  )
}

function CompareRow({ row }: { row: Row }) {
  const isDifferent = differs(row)
  return (
    <tr class={isDifferent ? 'is-different' : ''}>
      <th scope="row" class="mono">
        {row.label}
        {isDifferent && <span class="sr-only"> (differs)</span>}
      </th>
      {row.values.map((v, i) => (
        <td key={i} class="mono">
          {v === '' ? <span class="muted">—</span> : v}
        </td>
      ))}
    </tr>
  )
}
