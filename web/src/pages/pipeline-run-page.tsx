import { useEffect, useState } from 'preact/hooks'
import { DagGraph } from '../components/dag-graph'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { LoadError, Loading } from '../components/states'
import { formatDuration, formatTime } from '../lib/format'
import { useLive } from '../lib/use-live'
import { pipelineRun, rerunPipeline, type PipelineRunDetail, type StepRun } from '../pipelines-api'
import { navigate, setQuery } from '../router'
import { DataTable } from '../components/data-table'

const POLL_MS = 1000

/** One pipeline run: its DAG with each step's live status, durations, logs, and a rerun. */
export function PipelineRunPage({ runId, query }: { runId: string; query: URLSearchParams }) {
  const run = useLive((signal) => pipelineRun(runId, signal), [runId], {
    intervalMs: POLL_MS,
    keepPolling: (r) => r.status === 'running',
  })
  useEffect(() => {
    document.title = `Pipeline run ${runId.slice(0, 12)} · Lathe`
  }, [runId])
  const crumbs = [{ label: 'Pipelines', href: '/pipelines' }]
  if (run.status === 'loading') return <Loading label="Loading the pipeline run…" />
  if (run.status === 'error') {
    return (
      <>
        <PageHeader crumbs={crumbs} title={`Run ${runId}`} />
        <LoadError
          error={run.error}
          missing={`There is no pipeline run “${runId}”`}
          failed="Could not load the run"
          retry={run.reload}
        >
          <Link href="/pipelines" class="button">
            All pipeline runs
          </Link>
        </LoadError>
      </>
    )
  }
  const r = run.value
  const selected = query.get('step') ?? r.failures[0]?.step ?? r.steps[0]?.step
  const step = r.steps.find((s) => s.step === selected)
  return (
    <>
      <PageHeader
        crumbs={[
          ...crumbs,
          { label: r.pipeline, href: `/pipelines?pipeline=${encodeURIComponent(r.pipeline)}` },
        ]}
        title={
          <>
            {r.pipeline} <span class={`badge status-${r.status}`}>{r.status}</span>
          </>
        }
        actions={<RerunButton run={r} />}
      >
        <RunFacts run={r} />
      </PageHeader>
      <section class="section" aria-labelledby="dag-title">
        <h2 id="dag-title">Steps</h2>
        <div class="card padded">
          <DagGraph
            steps={r.steps}
            selected={selected}
            onSelect={(name) => setQuery({ step: name }, { replace: true })}
          />
        </div>
      </section>
      <StepTable steps={r.steps} selected={selected} />
      {step && <StepDetail step={step} />}
    </>
  )
}

function RunFacts({ run: r }: { run: PipelineRunDetail }) {
  const params = Object.entries(r.params)
  return (
    <dl class="summary">
      <dt>Run</dt>
      <dd class="mono">{r.run_id}</dd>
      <dt>Started</dt>
      <dd>{formatTime(r.created_at)}</dd>
      <dt>Duration</dt>
      <dd>{r.ended_at ? formatDuration(r.ended_at - r.created_at) : 'running'}</dd>
      <dt>Started by</dt>
      <dd>{r.started_by}</dd>
      {r.rerun_of && (
        <>
          <dt>Rerun of</dt>
          <dd>
            <Link href={`/pipelines/runs/${encodeURIComponent(r.rerun_of)}`}>
              {r.rerun_of.slice(0, 12)}
            </Link>
          </dd>
        </>
      )}
      <dt>Params</dt>
      <dd class="mono">
        {params.length ? params.map(([k, v]) => `${k}=${String(v)}`).join(' ') : 'none'}
      </dd>
      <dt>Lineage</dt>
      <dd>
        <Link href={`/lineage/pipeline_run/${encodeURIComponent(r.run_id)}`}>Show</Link>
      </dd>
    </dl>
  )
}

function RerunButton({ run }: { run: PipelineRunDetail }) {
  const [error, setError] = useState<string | undefined>()
  const [isBusy, setBusy] = useState(false)
  const [useCache, setUseCache] = useState(false)
  const rerun = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const id = await rerunPipeline(run.run_id, useCache)
      navigate(`/pipelines/runs/${encodeURIComponent(id)}`)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="verify">
      <label class="check">
        <input
          type="checkbox"
          checked={useCache}
          onChange={(e) => setUseCache(e.currentTarget.checked)}
        />
        Reuse cached steps
      </label>
      <button type="button" class="button primary" disabled={isBusy} onClick={rerun}>
        Rerun
      </button>
      {error && (
        <span class="danger" role="alert">
          {error}
        </span>
      )}
    </div>
  )
}

function stepDuration(s: StepRun): string {
  if (s.started_at === null) return ''
  if (s.ended_at === null) return 'running'
  return formatDuration(s.ended_at - s.started_at)
}

function StepTable({
  steps,
  selected,
}: {
  steps: readonly StepRun[]
  selected: string | undefined
}) {
  return (
    <DataTable
      label="Step runs"
      variant="compact"
      section
      columns={['Step', 'Status', 'Attempt', 'Duration', 'Needs', 'Tracking run']}
    >
      {steps.map((s) => (
        <tr key={s.step} class={s.step === selected ? 'is-selected' : undefined}>
          <th scope="row">
            <button type="button" class="link-button" onClick={() => setQuery({ step: s.step })}>
              {s.step}
            </button>
          </th>
          <td>
            <span class={`badge status-${s.status}`}>{s.status}</span>
            {s.cached_from && <span class="muted"> from {s.cached_from.slice(0, 12)}</span>}
          </td>
          <td>{s.attempt}</td>
          <td>{stepDuration(s)}</td>
          <td>{s.needs.join(', ')}</td>
          <td class="mono">
            {s.tracking_run_id ? (
              <Link href={`/runs/${s.tracking_run_id}`}>{s.tracking_run_id.slice(0, 8)}</Link>
            ) : (
              ''
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  )
}

function StepDetail({ step }: { step: StepRun }) {
  return (
    <section class="section" aria-labelledby="step-title">
      <h2 id="step-title">Step {step.step}</h2>
      {step.error && (
        <p class="danger" role="alert">
          {step.error}
        </p>
      )}
      {step.log_tail ? (
        <pre class="code-block log-tail" aria-label={`Log of ${step.step}`}>
          {step.log_tail}
        </pre>
      ) : (
        <p class="muted">
          {step.status === 'cached'
            ? 'Cached: the step did not run, so it logged nothing.'
            : 'No log output yet.'}
        </p>
      )}
      {step.outputs && Object.keys(step.outputs).length > 0 && (
        <pre class="code-block">{JSON.stringify(step.outputs, null, 2)}</pre>
      )}
    </section>
  )
}
