import { EmptyState, ErrorState, Loading } from '../components/states'
import { formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { gateReports, type GateReport } from '../registry-api'
import { PassFail } from '../components/pass-fail'

function show(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'number') return String(Number(value.toPrecision(6)))
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Every evaluation report of one version: each gate, passed or failed, with its values. */
export function GateReports({ name, version }: { name: string; version: string }) {
  const reports = useAsync((signal) => gateReports(name, version, signal), [name, version])
  return (
    <section class="section" aria-labelledby="reports-title">
      <h2 id="reports-title">Gate reports of v{version}</h2>
      {reports.status === 'loading' && <Loading label="Loading reports…" />}
      {reports.status === 'error' && (
        <ErrorState error={reports.error} title="Could not load reports" retry={reports.reload} />
      )}
      {reports.status === 'ok' && reports.value.length === 0 && (
        <EmptyState title="This version has not been evaluated">
          <p>
            Run its gates with{' '}
            <code>
              lathe models evaluate {name} {version}
            </code>
            ; a protected alias such as <code>champion</code> needs a passing report.
          </p>
        </EmptyState>
      )}
      {reports.status === 'ok' && reports.value.map((r) => <Report key={r.id} report={r} />)}
    </section>
  )
}

function Report({ report }: { report: GateReport }) {
  return (
    <div class="card report">
      <div class="card-head">
        <PassFail ok={report.passed} yes="Passed" no="Failed" />
        <span class="muted">
          {formatTime(report.created_at)}
          {report.dataset && ` · on ${report.dataset}`}
          {report.user_id && ` · by ${report.user_id}`}
        </span>
      </div>
      <div class="table-scroll">
        <table class="table compact" aria-label={`Gates of report ${report.id}`}>
          <thead>
            <tr>
              <th scope="col">Gate</th>
              <th scope="col">Kind</th>
              <th scope="col">Result</th>
              <th scope="col" class="end">
                Observed
              </th>
              <th scope="col" class="end">
                Threshold
              </th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {report.results.map((g) => (
              <tr key={g.gate}>
                <th scope="row">{g.gate}</th>
                <td>{g.kind}</td>
                <td>
                  <PassFail ok={g.passed} yes="pass" no="fail" />
                </td>
                <td class="end mono">{show(g.observed)}</td>
                <td class="end mono">{show(g.threshold)}</td>
                <td class="muted wrap">{g.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
