import { useEffect } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { formatAge, formatDuration, formatTime } from '../lib/format'
import { useLive } from '../lib/use-live'
import { pipelineRuns, type PipelineRun, type PipelineRunStatus } from '../pipelines-api'
import { setQuery } from '../router'
import { DataTable } from '../components/data-table'

const STATUSES: readonly PipelineRunStatus[] = ['running', 'succeeded', 'failed', 'cancelled']

/** Pipeline runs, newest first, filtered by pipeline and status (kept in the URL). */
export function PipelinesPage({ query }: { query: URLSearchParams }) {
  const pipeline = query.get('pipeline') || undefined
  const status = (query.get('status') || undefined) as PipelineRunStatus | undefined
  const runs = useLive((signal) => pipelineRuns({ pipeline, status }, signal), [pipeline, status], {
    intervalMs: 5000,
    keepPolling: (list) => list.some((r) => r.status === 'running'),
  })
  useEffect(() => {
    document.title = 'Pipelines · Lathe'
  }, [])
  return (
    <>
      <PageHeader title="Pipelines">
        <p class="muted">Runs of registered pipelines: each step, its cache hit, its logs.</p>
      </PageHeader>
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          class="input search-input"
          aria-label="Filter by pipeline"
          placeholder="Pipeline name"
          value={pipeline ?? ''}
          onChange={(e) => setQuery({ pipeline: e.currentTarget.value.trim() }, { replace: false })}
        />
        <select
          class="input"
          aria-label="Filter by status"
          value={status ?? ''}
          onChange={(e) => setQuery({ status: e.currentTarget.value }, { replace: false })}
        >
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </form>
      {runs.status === 'loading' && <Loading label="Loading pipeline runs…" />}
      {runs.status === 'error' && (
        <ErrorState error={runs.error} title="Could not load pipeline runs" retry={runs.reload} />
      )}
      {runs.status === 'ok' &&
        (runs.value.length === 0 ? (
          <EmptyState title={pipeline || status ? 'No run matches' : 'No pipeline runs yet'}>
            <p>
              Run a pipeline with <code>lathe pipelines run pipeline.yaml</code>; its steps show
              here as they run.
            </p>
          </EmptyState>
        ) : (
          <RunTable runs={runs.value} />
        ))}
    </>
  )
}

function RunTable({ runs }: { runs: readonly PipelineRun[] }) {
  return (
    <DataTable
      label="Pipeline runs"
      columns={['Run', 'Pipeline', 'Status', 'Started', 'Duration', 'Started by']}
    >
      {runs.map((r) => (
        <tr key={r.run_id}>
          <td class="mono">
            <Link href={`/pipelines/runs/${encodeURIComponent(r.run_id)}`}>
              {r.run_id.slice(0, 12)}
            </Link>
          </td>
          <td>{r.pipeline}</td>
          <td>
            <span class={`badge status-${r.status}`}>{r.status}</span>
          </td>
          <td title={formatTime(r.created_at)}>{formatAge(r.created_at)}</td>
          <td>{r.ended_at ? formatDuration(r.ended_at - r.created_at) : ''}</td>
          <td>{r.started_by}</td>
        </tr>
      ))}
    </DataTable>
  )
}
