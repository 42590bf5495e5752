import type { ComponentChildren } from 'preact'
import { useEffect, useMemo } from 'preact/hooks'
import { getExperiment, getRun, type Run } from '../api'
import { ArtifactBrowser } from '../components/artifact-browser'
import { Link } from '../components/link'
import { ChartControls, MetricCharts, useChartOptions } from '../components/metric-charts'
import { PageHeader, StatusBadge } from '../components/page-header'
import { ErrorState, Loading } from '../components/states'
import { Tabs } from '../components/tabs'
import { formatDuration, formatTime } from '../lib/format'
import { durationMs, runName } from '../lib/run-fields'
import { runColor } from '../lib/theme'
import { useAsync } from '../lib/use-async'
import { lineageHref } from './lineage-page'
import { RunOverview } from './run-overview'

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'metrics', label: 'Metric charts' },
  { id: 'artifacts', label: 'Artifacts' },
] as const

/** One run: summary, then tabs for overview, metric charts and artifacts (`?tab=`). */
export function RunPage({ runId, query }: { runId: string; query: URLSearchParams }) {
  const run = useAsync((signal) => getRun(runId, signal), [runId])
  const experimentId = run.value?.info.experiment_id
  const experiment = useAsync(
    async (signal) => (experimentId ? getExperiment(experimentId, signal) : undefined),
    [experimentId],
  )
  useEffect(() => {
    document.title = `${run.value ? runName(run.value) : 'Run'} · Lathe`
  }, [run.value])
  if (run.status === 'loading') return <Loading label="Loading run…" />
  if (run.status === 'error') {
    return (
      <ErrorState error={run.error} title="Could not open this run" retry={run.reload}>
        <Link href="/experiments" class="button">
          All experiments
        </Link>
      </ErrorState>
    )
  }
  const tab = TABS.find((t) => t.id === query.get('tab'))?.id ?? 'overview'
  const info = run.value.info
  return (
    <>
      <RunHeader run={run.value} experimentName={experiment.value?.name} />
      <Tabs tabs={TABS} current={tab} />
      <div role="tabpanel" aria-labelledby={`tab-${tab}`} class="tab-panel">
        {tab === 'overview' && <RunOverview run={run.value} />}
        {tab === 'metrics' && <RunCharts run={run.value} query={query} />}
        {tab === 'artifacts' && (
          <ArtifactBrowser run={info} selected={query.get('artifact') ?? undefined} />
        )}
      </div>
    </>
  )
}

function RunHeader({ run, experimentName }: { run: Run; experimentName: string | undefined }) {
  const { experiment_id: experimentId, status } = run.info
  const crumbs = [
    { label: 'Experiments', href: '/experiments' },
    {
      label: experimentName ?? `Experiment ${experimentId}`,
      href: `/experiments/${encodeURIComponent(experimentId)}`,
    },
  ]
  const title = (
    <>
      {runName(run)} <StatusBadge status={status} />
    </>
  )
  return (
    <PageHeader
      crumbs={crumbs}
      title={title}
      actions={
        <Link href={lineageHref({ kind: 'run', id: run.info.run_id })} class="button">
          Lineage
        </Link>
      }
    >
      <RunSummary run={run} />
    </PageHeader>
  )
}

function RunSummary({ run }: { run: Run }) {
  const { info } = run
  const tag = (key: string) => run.data?.tags?.find((t) => t.key === key)?.value
  const parent = tag('mlflow.parentRunId')
  const items: [string, ComponentChildren][] = [
    ['Run ID', <span class="mono">{info.run_id}</span>],
    ['Started', formatTime(info.start_time)],
    ['Duration', formatDuration(durationMs(run)) || '—'],
    ['User', info.user_id || '—'],
  ]
  const source = tag('mlflow.source.name')
  if (source) items.push(['Source', <span class="mono">{source}</span>])
  const commit = tag('mlflow.source.git.commit')
  if (commit) items.push(['Commit', <span class="mono">{commit.slice(0, 12)}</span>])
  if (parent) items.push(['Parent run', <Link href={`/runs/${parent}`}>{parent.slice(0, 8)}</Link>])
  return (
    <dl class="summary">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function RunCharts({ run, query }: { run: Run; query: URLSearchParams }) {
  const options = useChartOptions(query)
  const runs = useMemo(() => [{ info: run.info, name: runName(run), color: runColor(0) }], [run])
  const keys = useMemo(
    () => [...new Set((run.data?.metrics ?? []).map((m) => m.key))].sort(),
    [run],
  )
  return (
    <>
      {keys.length > 0 && <ChartControls options={options} />}
      <MetricCharts runs={runs} keys={keys} options={options} />
    </>
  )
}
