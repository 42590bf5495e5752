import { useEffect } from 'preact/hooks'
import { PageHeader } from '../components/page-header'
import { LoadError, Loading } from '../components/states'
import { contractVersions, validationReports } from '../data-api'
import { formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { ReportTable } from './validation-report-page'

async function load(name: string, signal: AbortSignal) {
  const versions = await contractVersions(name, signal)
  return { versions, reports: await validationReports({ contract: name }, signal) }
}

/** A contract's versions (each body as stored) and the reports that checked data against it. */
export function ContractPage({ name }: { name: string }) {
  const state = useAsync((signal) => load(name, signal), [name])
  useEffect(() => {
    document.title = `${name} · Contracts · Lathe`
  }, [name])
  const crumbs = [{ label: 'Data', href: '/data?tab=contracts' }]
  if (state.status === 'loading') return <Loading label="Loading the contract…" />
  if (state.status === 'error') {
    return (
      <>
        <PageHeader crumbs={crumbs} title={name} />
        <LoadError
          error={state.error}
          missing={`There is no contract named “${name}”`}
          retry={state.reload}
        />
      </>
    )
  }
  const { versions, reports } = state.value
  return (
    <>
      <PageHeader crumbs={crumbs} title={`Contract ${name}`} />
      <section class="section" aria-labelledby="contract-versions">
        <h2 id="contract-versions">Versions</h2>
        {versions.map((v, i) => (
          <details key={v.version} class="card report" open={i === 0}>
            <summary>
              v{v.version}{' '}
              <span class="muted">
                · {formatTime(v.created_at)} by {v.created_by}
              </span>
            </summary>
            <pre class="code-block">{JSON.stringify(v.body, null, 2)}</pre>
          </details>
        ))}
      </section>
      <section class="section" aria-labelledby="contract-reports">
        <h2 id="contract-reports">Validation reports</h2>
        {reports.length === 0 ? (
          <p class="muted">No data has been checked against this contract yet.</p>
        ) : (
          <ReportTable reports={reports} />
        )}
      </section>
    </>
  )
}
