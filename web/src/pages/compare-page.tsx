import { useEffect, useMemo } from 'preact/hooks'
import { ApiError, getExperiment, getRun } from '../api'
import { Link } from '../components/link'
import { ChartControls, MetricCharts, useChartOptions } from '../components/metric-charts'
import { PageHeader } from '../components/page-header'
import { ParallelCoordinates, type PcAxis } from '../components/parallel-coordinates'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { fieldValue, indexRun } from '../lib/run-fields'
import { runColor } from '../lib/theme'
import { useAsync } from '../lib/use-async'
import { setQuery } from '../router'
import { CompareTable, type ComparedRun } from './compare-table'

const MAX_RUNS = 10

async function loadRuns(ids: readonly string[], signal: AbortSignal): Promise<ComparedRun[]> {
  return Promise.all(
    ids.map(async (id, i) => {
      try {
        return { ...indexRun(await getRun(id, signal)), color: runColor(i) }
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) {
          throw new ApiError(404, err.code, `Run '${id}' does not exist: ${err.message}`)
        }
        throw err
      }
    }),
  )
}

/** 2–10 runs (`?runs=a,b,c`): differences, parallel coordinates and overlaid metric charts. */
export function ComparePage({ query }: { query: URLSearchParams }) {
  const ids = [...new Set((query.get('runs') ?? '').split(',').filter(Boolean))]
  const key = ids.join(',')
  const isValid = ids.length >= 2 && ids.length <= MAX_RUNS
  const runs = useAsync(async (signal) => (isValid ? loadRuns(ids, signal) : []), [key])
  useEffect(() => {
    document.title = 'Compare runs · Lathe'
  }, [])
  if (!isValid) {
    return (
      <EmptyState title={`Choose 2 to ${MAX_RUNS} runs to compare`}>
        <p>
          {ids.length > MAX_RUNS ? `This link names ${ids.length} runs. ` : ''}Tick the runs in an
          experiment's table, then press Compare.
        </p>
        <Link href="/experiments" class="button">
          Experiments
        </Link>
      </EmptyState>
    )
  }
  if (runs.status === 'loading') return <Loading label="Loading runs…" />
  if (runs.status === 'error') {
    return (
      <ErrorState error={runs.error} title="Could not load these runs" retry={runs.reload}>
        <Link href="/experiments" class="button">
          Experiments
        </Link>
      </ErrorState>
    )
  }
  return <Comparison runs={runs.value} query={query} />
}

function Comparison({ runs, query }: { runs: readonly ComparedRun[]; query: URLSearchParams }) {
  const options = useChartOptions(query)
  const experimentIds = [...new Set(runs.map((r) => r.run.info.experiment_id))]
  const onlyExperiment = experimentIds.length === 1 ? experimentIds[0] : undefined
  const experiment = useAsync(
    async (signal) => (onlyExperiment ? getExperiment(onlyExperiment, signal) : undefined),
    [onlyExperiment],
  )
  const metricKeys = useMemo(
    () => [...new Set(runs.flatMap((r) => [...r.metrics.keys()]))].sort(),
    [runs],
  )
  const chartRuns = useMemo(
    () => runs.map((r) => ({ info: r.run.info, name: r.name, color: r.color })),
    [runs],
  )
  return (
    <>
      <PageHeader
        crumbs={[
          { label: 'Experiments', href: '/experiments' },
          ...(onlyExperiment
            ? [
                {
                  label: experiment.value?.name ?? `Experiment ${onlyExperiment}`,
                  href: `/experiments/${encodeURIComponent(onlyExperiment)}`,
                },
              ]
            : []),
        ]}
        title={`Compare ${runs.length} runs`}
      />
      <CompareTable runs={runs} isOnlyDiff={query.get('diff') === '1'} />
      <ParallelSection runs={runs} metricKeys={metricKeys} chosen={query.get('pc')} />
      <section class="section" aria-label="Metric charts">
        <h2>Metric charts</h2>
        {metricKeys.length > 0 && <ChartControls options={options} />}
        <MetricCharts runs={chartRuns} keys={metricKeys} options={options} />
      </section>
    </>
  )
}

/** One axis per param that varies across the runs (all params if none varies), then the metric. */
function parallelAxes(runs: readonly ComparedRun[], metric: string | undefined): PcAxis[] {
  const params = [...new Set(runs.flatMap((r) => [...r.params.keys()]))].sort()
  // Params every run shares say nothing about the result: keep the ones that vary.
  const varying = params.filter((p) => new Set(runs.map((r) => r.params.get(p))).size > 1)
  const shown = (varying.length > 0 ? varying : params).slice(0, 12)
  const axes: PcAxis[] = shown.map((p) => ({ label: p, values: runs.map((r) => r.params.get(p)) }))
  if (metric)
    axes.push({ label: metric, values: runs.map((r) => fieldValue(r, `metrics.${metric}`)) })
  return axes
}

function ParallelSection({
  runs,
  metricKeys,
  chosen,
}: {
  runs: readonly ComparedRun[]
  metricKeys: readonly string[]
  chosen: string | null
}) {
  const metric = chosen && metricKeys.includes(chosen) ? chosen : metricKeys[0]
  const axes = useMemo(() => parallelAxes(runs, metric), [runs, metric])
  const colors = useMemo(() => runs.map((r) => r.color), [runs])
  const names = axes.map((a) => a.label).join(', ')
  return (
    <section class="card" aria-label="Parameters to metric">
      <div class="card-head">
        <h2>Parameters → metric</h2>
        <MetricSelect keys={metricKeys} value={metric} />
      </div>
      {axes.length === 0 ? (
        <p class="muted">These runs have no parameters or metrics to plot.</p>
      ) : (
        <ParallelCoordinates
          axes={axes}
          colors={colors}
          label={`Parallel coordinates of ${names} for ${runs.length} runs`}
        />
      )}
      <ul class="legend-list">
        {runs.map((r) => (
          <li key={r.id}>
            <span class="swatch" style={{ background: r.color }} aria-hidden="true" />
            {r.name}
          </li>
        ))}
      </ul>
    </section>
  )
}

function MetricSelect({ keys, value }: { keys: readonly string[]; value: string | undefined }) {
  if (keys.length === 0) return null
  return (
    <label class="inline-field">
      Metric
      <select
        class="input small"
        value={value}
        onChange={(e) => setQuery({ pc: e.currentTarget.value })}
      >
        {keys.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
    </label>
  )
}
