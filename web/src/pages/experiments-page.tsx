import { useEffect } from 'preact/hooks'
import { searchExperiments, type Experiment } from '../api'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { formatAge, formatCount, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { setQuery, useLocation } from '../router'
import { DataTable } from '../components/data-table'

/** Every active experiment, newest first, with a name filter kept in the URL (`?q=`). */
export function ExperimentsPage() {
  const { query } = useLocation()
  const filter = query.get('q') ?? ''
  const experiments = useAsync((signal) => searchExperiments(signal), [])
  useEffect(() => {
    document.title = 'Experiments · Lathe'
  }, [])
  const all = experiments.value ?? []
  const visible = all
    .filter((e) => e.name.toLowerCase().includes(filter.toLowerCase()))
    .sort(
      (a, b) =>
        (b.creation_time ?? 0) - (a.creation_time ?? 0) ||
        b.experiment_id.localeCompare(a.experiment_id, undefined, { numeric: true }),
    )
  return (
    <>
      <PageHeader title="Experiments">
        <p class="muted">Each experiment groups the runs of one modelling question.</p>
      </PageHeader>
      <div class="toolbar">
        <input
          type="search"
          class="input search-input"
          placeholder="Filter by name"
          aria-label="Filter experiments by name"
          value={filter}
          onInput={(e) => setQuery({ q: e.currentTarget.value })}
        />
        {experiments.value && (
          <span class="muted count">
            {formatCount(visible.length)} of {formatCount(all.length)}
          </span>
        )}
      </div>
      {experiments.status === 'loading' && <Loading label="Loading experiments…" />}
      {experiments.status === 'error' && (
        <ErrorState
          error={experiments.error}
          title="Could not load experiments"
          retry={experiments.reload}
        />
      )}
      {experiments.status === 'ok' && (
        <ExperimentList all={all} visible={visible} filter={filter} />
      )}
    </>
  )
}

function ExperimentList({
  all,
  visible,
  filter,
}: {
  all: readonly Experiment[]
  visible: readonly Experiment[]
  filter: string
}) {
  if (all.length === 0) return <NoExperiments />
  if (visible.length === 0) {
    return (
      <EmptyState title={`No experiment name contains “${filter}”`}>
        <button type="button" class="button" onClick={() => setQuery({ q: undefined })}>
          Clear the filter
        </button>
      </EmptyState>
    )
  }
  return <ExperimentTable experiments={visible} />
}

function NoExperiments() {
  return (
    <EmptyState title="No experiments yet">
      <p>
        Create one with <code>lathe experiments create NAME</code>, or point an MLflow client here
        with <code>MLFLOW_TRACKING_URI={location.origin}</code> and log a run.
      </p>
    </EmptyState>
  )
}

function ExperimentTable({ experiments }: { experiments: readonly Experiment[] }) {
  return (
    <DataTable columns={['Name', 'ID', 'Created', 'Last updated', 'Description']}>
      {experiments.map((e) => (
        <tr key={e.experiment_id}>
          <td>
            <Link href={`/experiments/${encodeURIComponent(e.experiment_id)}`}>{e.name}</Link>
          </td>
          <td class="mono">{e.experiment_id}</td>
          <td title={formatTime(e.creation_time)}>{formatAge(e.creation_time)}</td>
          <td title={formatTime(e.last_update_time)}>{formatAge(e.last_update_time)}</td>
          <td class="muted clamp">
            {e.tags?.find((t) => t.key === 'mlflow.note.content')?.value ?? ''}
          </td>
        </tr>
      ))}
    </DataTable>
  )
}
