import { CategoryBars, HistogramChart } from '../components/histogram-chart'
import { ErrorState, Loading } from '../components/states'
import { datasetVersion, drift, type ColumnDrift, type DatasetVersion } from '../data-api'
import { formatNumber } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { runColor } from '../lib/theme'

async function load(name: string, reference: number, current: number, signal: AbortSignal) {
  const [report, before, after] = await Promise.all([
    drift(`${name}:${reference}`, `${name}:${current}`, signal),
    datasetVersion(name, reference, signal),
    datasetVersion(name, current, signal),
  ])
  return { report, before, after }
}

/**
 * Drift of one version against another, column by column: the statistic and verdict, and the two
 * distributions overlaid (the stored profiles' histograms or category shares).
 */
export function DriftPanel({
  name,
  reference,
  current,
}: {
  name: string
  reference: number
  current: number
}) {
  const state = useAsync(
    (signal) => load(name, reference, current, signal),
    [name, reference, current],
  )
  if (state.status === 'loading') return <Loading label="Comparing versions…" />
  if (state.status === 'error') {
    return <ErrorState error={state.error} title="Could not compare" retry={state.reload} />
  }
  const { report, before, after } = state.value
  return (
    <>
      <p>
        <span class={`badge ${report.dataset.is_drifted ? 'fail' : 'pass'}`}>
          {report.dataset.is_drifted ? 'drifted' : 'no drift'}
        </span>{' '}
        {report.dataset.drifted_count} of {report.dataset.column_count} columns drifted (v
        {reference} → v{current})
      </p>
      <div class="profile-grid">
        {report.columns.map((c) => (
          <DriftColumn key={c.name} column={c} before={before} after={after} />
        ))}
      </div>
    </>
  )
}

/** A p-value signals drift below its threshold, a distance above it. */
function verdictText(c: ColumnDrift): string {
  const threshold = formatNumber(c.threshold)
  if (c.p_value !== null && c.p_value !== undefined) {
    return `${c.test}: statistic ${formatNumber(c.statistic)}, p-value ${formatNumber(c.p_value)} (drift below ${threshold})`
  }
  return `${c.test}: score ${formatNumber(c.score)} (drift above ${threshold})`
}

function DriftColumn({
  column: c,
  before,
  after,
}: {
  column: ColumnDrift
  before: DatasetVersion
  after: DatasetVersion
}) {
  const ref = before.profile?.columns.find((p) => p.name === c.name)
  const cur = after.profile?.columns.find((p) => p.name === c.name)
  const labels = [`v${before.version}`, `v${after.version}`]
  return (
    <section class="card" aria-label={`Drift of ${c.name}`}>
      <h3>
        {c.name}{' '}
        {c.skipped ? (
          <span class="badge">skipped</span>
        ) : (
          <span class={`badge ${c.is_drifted ? 'fail' : 'pass'}`}>
            {c.is_drifted ? 'drifted' : 'stable'}
          </span>
        )}
      </h3>
      <p class="muted">{c.skipped ?? verdictText(c)}</p>
      {ref?.numeric && cur?.numeric && (
        <HistogramChart
          title={c.name}
          series={[
            { label: labels[0]!, color: runColor(0), ...ref.numeric.histogram },
            { label: labels[1]!, color: runColor(1), ...cur.numeric.histogram },
          ]}
        />
      )}
      {ref?.categorical && cur?.categorical && (
        <CategoryBars
          series={[
            { label: labels[0]!, color: runColor(0), categories: ref.categorical.categories },
            { label: labels[1]!, color: runColor(1), categories: cur.categorical.categories },
          ]}
        />
      )}
    </section>
  )
}
