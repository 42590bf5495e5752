import { CategoryBars, HistogramChart } from '../components/histogram-chart'
import { Link } from '../components/link'
import { ErrorState, Loading } from '../components/states'
import {
  datasetVersion,
  driftReport,
  type ColumnDrift,
  type DatasetVersion,
  type DriftReport,
  type DriftSide,
} from '../data-api'
import { formatAge, formatNumber, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { runColor } from '../lib/theme'
import { DataTable } from '../components/data-table'
import { PassFail } from '../components/pass-fail'

/** The stored version a side names (`customers:2`), for its profile; undefined for a file. */
function versionOf(side: DriftSide, signal: AbortSignal): Promise<DatasetVersion | undefined> {
  const match = /^(.+):(\d+)$/.exec(side.source)
  if (!side.version_id || !match) return Promise.resolve(undefined)
  return datasetVersion(match[1]!, Number(match[2]), signal).catch(() => undefined)
}

async function load(id: string, signal: AbortSignal) {
  const report = await driftReport(id, signal)
  const [before, after] = await Promise.all([
    versionOf(report.reference, signal),
    versionOf(report.current, signal),
  ])
  return { report, before, after }
}

/**
 * One stored drift report, column by column: the statistic and verdict, and the two
 * distributions overlaid (the stored profiles' histograms or category shares).
 */
export function DriftPanel({ id }: { id: string }) {
  const state = useAsync((signal) => load(id, signal), [id])
  if (state.status === 'loading') return <Loading label="Loading the drift report…" />
  if (state.status === 'error') {
    return (
      <ErrorState
        error={state.error}
        title="Could not load the drift report"
        retry={state.reload}
      />
    )
  }
  const { report, before, after } = state.value
  return (
    <>
      <p>
        <DriftVerdict report={report} /> {report.dataset.drifted_count} of{' '}
        {report.dataset.column_count} columns drifted ({report.reference.source} →{' '}
        {report.current.source}) <span class="muted">· {formatTime(report.created_at)}</span>
      </p>
      <div class="profile-grid">
        {(report.columns ?? []).map((c) => (
          <DriftColumn key={c.name} column={c} before={before} after={after} report={report} />
        ))}
      </div>
    </>
  )
}

function DriftVerdict({ report }: { report: DriftReport }) {
  return <PassFail ok={!report.dataset.is_drifted} yes="no drift" no="drifted" />
}

/** Stored reports as a table, each opening its page. */
export function DriftReportTable({ reports }: { reports: readonly DriftReport[] }) {
  return (
    <DataTable
      label="Drift reports"
      columns={['Report', 'Verdict', 'Reference', 'Current', 'Drifted columns', 'When']}
    >
      {reports.map((r) => (
        <tr key={r.id}>
          <td class="mono">
            <Link href={`/data/drift/${encodeURIComponent(r.id)}`}>{r.id.slice(0, 12)}</Link>
          </td>
          <td>
            <DriftVerdict report={r} />
          </td>
          <td class="wrap">{r.reference.source}</td>
          <td class="wrap">{r.current.source}</td>
          <td>
            {r.dataset.drifted_count} of {r.dataset.column_count}
          </td>
          <td title={formatTime(r.created_at)}>{formatAge(r.created_at)}</td>
        </tr>
      ))}
    </DataTable>
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
  report,
}: {
  column: ColumnDrift
  before: DatasetVersion | undefined
  after: DatasetVersion | undefined
  report: DriftReport
}) {
  const ref = before?.profile?.columns.find((p) => p.name === c.name)
  const cur = after?.profile?.columns.find((p) => p.name === c.name)
  const labels = [report.reference.source, report.current.source]
  return (
    <section class="card" aria-label={`Drift of ${c.name}`}>
      <h3>
        {c.name}{' '}
        {c.skipped ? (
          <span class="badge">skipped</span>
        ) : (
          <PassFail ok={!c.is_drifted} yes="stable" no="drifted" />
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
