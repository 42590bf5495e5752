import { Link } from '../components/link'
import { StatusBadge } from '../components/page-header'
import { VirtualTable, type Column } from '../components/virtual-table'
import { formatAge, formatDuration, formatNumber, formatTime } from '../lib/format'
import { durationMs, fieldValue, type IndexedRun } from '../lib/run-fields'

export interface SortState {
  readonly key: string
  readonly isDescending: boolean
}

interface TableProps {
  readonly runs: readonly IndexedRun[]
  /** Extra columns by search key (`metrics.acc`, `params.lr`, `tags.team`). */
  readonly columns: readonly string[]
  readonly sort: SortState
  readonly onSort: (key: string) => void
  readonly selected: ReadonlySet<string>
  readonly onToggle: (id: string) => void
}

const FIXED = [
  { key: 'attributes.run_name', label: 'Run', widthPx: 200 },
  { key: 'attributes.status', label: 'Status', widthPx: 110 },
  { key: 'attributes.start_time', label: 'Created', widthPx: 130 },
  { key: 'attributes.duration', label: 'Duration', widthPx: 100 },
  { key: 'attributes.user_id', label: 'User', widthPx: 110 },
] as const

/** The runs of an experiment in a virtualised, sortable table with chosen extra columns. */
export function RunsTable(props: TableProps) {
  const { runs, selected } = props
  const columns: Column[] = [
    selectColumn(props),
    ...FIXED.map(({ key, label, widthPx }) =>
      sortable(props, key, label, widthPx, (i) => fixedCell(runs[i]!, key)),
    ),
    ...props.columns.map((key) => ({
      ...sortable(props, key, key.slice(key.indexOf('.') + 1), 140, (i) =>
        valueCell(fieldValue(runs[i]!, key)),
      ),
      align: key.startsWith('metrics.') ? ('end' as const) : undefined,
    })),
  ]
  return (
    <VirtualTable
      label="Runs"
      rowCount={runs.length}
      columns={columns}
      rowKey={(i) => runs[i]!.id}
      isRowSelected={(i) => selected.has(runs[i]!.id)}
    />
  )
}

function selectColumn({ runs, selected, onToggle }: TableProps): Column {
  return {
    id: 'select',
    widthPx: 44,
    header: <span class="sr-only">Select for comparison</span>,
    cell: (i) => (
      <input
        type="checkbox"
        aria-label={`Select ${runs[i]!.name}`}
        checked={selected.has(runs[i]!.id)}
        onChange={() => onToggle(runs[i]!.id)}
      />
    ),
  }
}

function sortable(
  { sort, onSort }: TableProps,
  key: string,
  label: string,
  widthPx: number,
  cell: Column['cell'],
): Column {
  const isActive = sort.key === key
  return {
    id: key,
    widthPx,
    cell,
    sort: isActive ? (sort.isDescending ? 'descending' : 'ascending') : 'none',
    header: (
      <button
        type="button"
        class="sort-button"
        title={`Sort by ${key}`}
        onClick={() => onSort(key)}
      >
        <span class="clip">{label}</span>
        <span aria-hidden="true">{isActive ? (sort.isDescending ? '↓' : '↑') : ''}</span>
      </button>
    ),
  }
}

function fixedCell(run: IndexedRun, key: string) {
  const info = run.run.info
  switch (key) {
    case 'attributes.run_name':
      return (
        <Link href={`/runs/${run.id}`} class="run-link">
          {run.name}
        </Link>
      )
    case 'attributes.status':
      return <StatusBadge status={info.status} />
    case 'attributes.start_time':
      return <span title={formatTime(info.start_time)}>{formatAge(info.start_time)}</span>
    case 'attributes.duration':
      return formatDuration(durationMs(run.run))
    default:
      return <span title={info.user_id}>{info.user_id}</span>
  }
}

function valueCell(value: string | number | undefined) {
  if (value === undefined) return <span class="muted">—</span>
  const text = typeof value === 'number' ? formatNumber(value) : value
  return <span title={String(value)}>{text}</span>
}
