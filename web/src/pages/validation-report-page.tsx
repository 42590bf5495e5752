import { useEffect } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { LoadError, Loading } from '../components/states'
import { validationReport, type ExpectationResult, type ValidationReport } from '../data-api'
import { formatAge, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { DataTable } from '../components/data-table'
import { PassFail } from '../components/pass-fail'

function Verdict({ success }: { success: boolean }) {
  return <PassFail ok={success} yes="passed" no="failed" />
}

/** Reports as a table: verdict, contract, data, counts. */
export function ReportTable({ reports }: { reports: readonly ValidationReport[] }) {
  return (
    <DataTable
      label="Validation reports"
      columns={['Report', 'Verdict', 'Contract', 'Data', 'Failed', 'When']}
    >
      {reports.map((r) => (
        <tr key={r.id}>
          <td class="mono">
            <Link href={`/data/reports/${encodeURIComponent(r.id)}`}>{r.id.slice(0, 12)}</Link>
          </td>
          <td>
            <Verdict success={r.success} />
          </td>
          <td>
            {r.contract.name}
            {r.contract.version !== null && `:${r.contract.version}`}
          </td>
          <td class="wrap">{r.dataset.source}</td>
          <td>
            {r.statistics.failed} of {r.statistics.evaluated}
          </td>
          <td title={formatTime(r.created_at)}>{formatAge(r.created_at)}</td>
        </tr>
      ))}
    </DataTable>
  )
}

/** One validation report: each expectation's verdict, and the failing rows it found. */
export function ValidationReportPage({ id }: { id: string }) {
  const report = useAsync((signal) => validationReport(id, signal), [id])
  useEffect(() => {
    document.title = `Validation report ${id.slice(0, 12)} · Lathe`
  }, [id])
  const crumbs = [{ label: 'Data', href: '/data?tab=reports' }]
  if (report.status === 'loading') return <Loading label="Loading the report…" />
  if (report.status === 'error') {
    return (
      <>
        <PageHeader crumbs={crumbs} title={`Report ${id}`} />
        <LoadError
          error={report.error}
          missing={`There is no validation report “${id}”`}
          retry={report.reload}
        />
      </>
    )
  }
  const r = report.value
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={
          <>
            Validation of {r.dataset.source} <Verdict success={r.success} />
          </>
        }
      >
        <dl class="summary">
          <dt>Contract</dt>
          <dd>
            <Link href={`/data/contracts/${encodeURIComponent(r.contract.name)}`}>
              {r.contract.name}
            </Link>
            {r.contract.version !== null && ` v${r.contract.version}`}
          </dd>
          <dt>Rows</dt>
          <dd>{r.dataset.row_count.toLocaleString('en-US')}</dd>
          <dt>Expectations</dt>
          <dd>
            {r.statistics.passed} passed, {r.statistics.failed} failed
          </dd>
          <dt>Checked</dt>
          <dd>
            {formatTime(r.created_at)} by {r.created_by}
          </dd>
        </dl>
      </PageHeader>
      {(r.results ?? []).map((x, i) => (
        <Expectation key={i} result={x} />
      ))}
    </>
  )
}

function Expectation({ result: x }: { result: ExpectationResult }) {
  const columns = [...new Set(x.examples.flatMap((e) => Object.keys(e)))]
  return (
    <section class={`card report${x.success ? '' : ' is-failed'}`} aria-label={x.description}>
      <div class="card-head">
        <Verdict success={x.success} />
        <strong>{x.description}</strong>
        <span class="muted">
          {x.expectation}
          {x.failing_count !== null && ` · ${x.failing_count} failing rows`}
          {' · observed '}
          <code>{JSON.stringify(x.observed)}</code>
        </span>
      </div>
      {x.examples.length > 0 && (
        <div class="table-scroll">
          <table class="table compact" aria-label={`Failing examples of ${x.description}`}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {x.examples.map((row, i) => (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c} class={x.columns.includes(c) ? 'mono danger' : 'mono'}>
                      {row[c] === null ? 'null' : String(row[c] ?? '')}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
