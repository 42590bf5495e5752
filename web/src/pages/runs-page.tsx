import type { ComponentChildren } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { ApiError, getExperiment, searchAllRuns } from '../api'
import { ColumnPicker, type FieldGroups } from '../components/column-picker'
import { FilterBox } from '../components/filter-box'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { formatCount } from '../lib/format'
import { fieldKeys, indexRun, sortRuns, type IndexedRun } from '../lib/run-fields'
import { useAsync, type AsyncState } from '../lib/use-async'
import { navigate, setQuery } from '../router'
import { RunsTable, type SortState } from './runs-table'

const MAX_COMPARE = 10
/** `cols=none` keeps an emptied column choice apart from "no choice yet" (the defaults). */
const NO_COLUMNS = 'none'

/** Text fields read best A→Z first; numbers and times best highest or newest first. */
function firstDirection(key: string): 'asc' | 'desc' {
  return key.startsWith('metrics.') || /start_time|duration/.test(key) ? 'desc' : 'asc'
}

function sortOf(query: URLSearchParams): SortState {
  const key = query.get('sort') ?? 'attributes.start_time'
  return { key, isDescending: (query.get('order') ?? firstDirection(key)) === 'desc' }
}

/** The chosen columns, or the first few metrics and params until the user picks. */
function columnsOf(query: URLSearchParams, fields: FieldGroups): string[] {
  const cols = query.get('cols')
  if (cols !== null) return cols.split(',').filter((c) => c && c !== NO_COLUMNS)
  return [
    ...fields.metrics.slice(0, 4).map((k) => `metrics.${k}`),
    ...fields.params.slice(0, 4).map((k) => `params.${k}`),
  ]
}

/** Every run matching the filter, and how many have arrived while the pages load. */
function useRuns(experimentId: string, filter: string) {
  const [loaded, setLoaded] = useState(0)
  const runs = useAsync(
    async (signal) => {
      setLoaded(0)
      const onPage = (page: readonly unknown[]) => setLoaded(page.length)
      const all = await searchAllRuns({ experimentIds: [experimentId], filter, onPage }, signal)
      return all.map(indexRun)
    },
    [experimentId, filter],
  )
  return { runs, loaded }
}

/**
 * The runs of one experiment: filter (MLflow grammar), sort, columns and selection for
 * comparison. Filter, sort and columns live in the URL.
 */
export function RunsPage({
  experimentId,
  query,
}: {
  experimentId: string
  query: URLSearchParams
}) {
  const filter = query.get('filter') ?? ''
  const sort = sortOf(query)
  const experiment = useAsync((signal) => getExperiment(experimentId, signal), [experimentId])
  const { runs, loaded } = useRuns(experimentId, filter)
  const fields = useMemo(() => fieldKeys(runs.value ?? []), [runs.value])
  const columns = columnsOf(query, fields)
  const [selected, setSelected] = useState<string[]>([])
  useEffect(() => setSelected([]), [experimentId])
  useEffect(() => {
    document.title = `${experiment.value?.name ?? 'Runs'} · Lathe`
  }, [experiment.value])
  if (experiment.status === 'error') {
    return <NoExperiment error={experiment.error} retry={experiment.reload} />
  }
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]))
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Experiments', href: '/experiments' }]}
        title={experiment.value?.name ?? '…'}
        actions={<CompareButton selected={selected} onClear={() => setSelected([])} />}
      />
      <div class="toolbar">
        <FilterBox value={filter} onApply={(f) => setQuery({ filter: f }, { replace: false })} />
        <ColumnPicker fields={fields} chosen={columns} onChange={chooseColumns} />
        <RunCount runs={runs.value} isFiltered={!!filter} />
      </div>
      <RunsBody runs={runs} loaded={loaded} filter={filter}>
        {(all) => (
          <SortedRuns
            runs={all}
            sort={sort}
            columns={columns}
            selected={selected}
            onToggle={toggle}
          />
        )}
      </RunsBody>
    </>
  )
}

function chooseColumns(columns: string[]): void {
  setQuery({ cols: columns.length ? columns.join(',') : NO_COLUMNS }, { replace: false })
}

function NoExperiment({ error, retry }: { error: Error; retry: () => void }) {
  return (
    <ErrorState error={error} title="Could not open this experiment" retry={retry}>
      <Link href="/experiments" class="button">
        All experiments
      </Link>
    </ErrorState>
  )
}

function SortedRuns(props: {
  runs: readonly IndexedRun[]
  sort: SortState
  columns: readonly string[]
  selected: readonly string[]
  onToggle: (id: string) => void
}) {
  const { key, isDescending } = props.sort
  const sorted = useMemo(
    () => sortRuns(props.runs, key, isDescending),
    [props.runs, key, isDescending],
  )
  const onSort = (next: string) => {
    const order = next === key ? (isDescending ? 'asc' : 'desc') : firstDirection(next)
    setQuery({ sort: next, order }, { replace: false })
  }
  const selected = useMemo(() => new Set(props.selected), [props.selected])
  return <RunsTable {...props} runs={sorted} onSort={onSort} selected={selected} />
}

function RunCount({
  runs,
  isFiltered,
}: {
  runs: readonly unknown[] | undefined
  isFiltered: boolean
}) {
  if (!runs) return null
  return (
    <span class="muted count" aria-live="polite">
      {formatCount(runs.length)} {runs.length === 1 ? 'run' : 'runs'}
      {isFiltered ? ' match' : ''}
    </span>
  )
}

/** Loading, error and empty states around the table. */
function RunsBody({
  runs,
  loaded,
  filter,
  children,
}: {
  runs: AsyncState<IndexedRun[]> & { reload: () => void }
  loaded: number
  filter: string
  children: (runs: IndexedRun[]) => ComponentChildren
}) {
  if (runs.status === 'loading') {
    return (
      <Loading label={loaded ? `Loading runs… ${formatCount(loaded)} so far` : 'Loading runs…'} />
    )
  }
  if (runs.status === 'error') return <RunsError error={runs.error} retry={runs.reload} />
  if (runs.value.length === 0) return <NoRuns filter={filter} />
  return <>{children(runs.value)}</>
}

function CompareButton({
  selected,
  onClear,
}: {
  selected: readonly string[]
  onClear: () => void
}) {
  const isReady = selected.length >= 2 && selected.length <= MAX_COMPARE
  const hint =
    selected.length > MAX_COMPARE
      ? `Compare at most ${MAX_COMPARE} runs`
      : 'Tick 2 to 10 runs to compare them'
  return (
    <>
      {selected.length > 0 && (
        <button type="button" class="button" onClick={onClear}>
          Clear selection
        </button>
      )}
      <button
        type="button"
        class="button primary"
        disabled={!isReady}
        title={isReady ? undefined : hint}
        onClick={() => navigate(`/compare?runs=${selected.map(encodeURIComponent).join(',')}`)}
      >
        Compare {selected.length > 0 ? `(${selected.length})` : ''}
      </button>
    </>
  )
}

function RunsError({ error, retry }: { error: Error; retry: () => void }) {
  if (!(error instanceof ApiError && error.status === 400)) {
    return <ErrorState error={error} title="Could not load runs" retry={retry} />
  }
  const hint = (
    <>
      Example: <code>metrics.accuracy &gt; 0.9 AND params.model = 'cnn'</code>. Strings take quotes;
      clauses join with <code>AND</code>.
    </>
  )
  return (
    <ErrorState error={error} title="This filter is not valid" hint={hint}>
      <button
        type="button"
        class="button"
        onClick={() => setQuery({ filter: undefined }, { replace: false })}
      >
        Clear the filter
      </button>
    </ErrorState>
  )
}

function NoRuns({ filter }: { filter: string }) {
  if (filter) {
    return (
      <EmptyState title="No run matches this filter">
        <p>
          Nothing matches <code>{filter}</code>. Loosen a condition, or clear the filter.
        </p>
      </EmptyState>
    )
  }
  return (
    <EmptyState title="No runs in this experiment yet">
      <p>
        Log one from Python with <code>MLFLOW_TRACKING_URI={location.origin}</code> and{' '}
        <code>mlflow.start_run()</code>, or from TypeScript with the Lathe SDK.
      </p>
    </EmptyState>
  )
}
