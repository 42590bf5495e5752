import { useEffect } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { useAsync } from '../lib/use-async'
import { monitors, type Monitor } from '../monitoring-api'
import { deployments, type Deployment } from '../serving-api'
import { DataTable } from '../components/data-table'

async function load(signal: AbortSignal) {
  const [all, watching] = await Promise.all([deployments(signal), monitors(undefined, signal)])
  return all.map((d) => ({
    deployment: d,
    monitors: watching.filter((m) => m.deployment === d.name),
  }))
}

/** Every deployment and what watches it: pick one to see its drift, performance and alerts. */
export function MonitoringPage() {
  const state = useAsync(load, [])
  useEffect(() => {
    document.title = 'Monitoring · Lathe'
  }, [])
  return (
    <>
      <PageHeader title="Monitoring">
        <p class="muted">
          Drift of each input, performance once ground truth arrives, and the alerts they raise.
        </p>
      </PageHeader>
      {state.status === 'loading' && <Loading label="Loading monitors…" />}
      {state.status === 'error' && (
        <ErrorState error={state.error} title="Could not load monitors" retry={state.reload} />
      )}
      {state.status === 'ok' &&
        (state.value.length === 0 ? (
          <EmptyState title="Nothing to monitor yet">
            <p>
              Monitors watch deployments: deploy a model first (see{' '}
              <Link href="/deployments">Deployments</Link>), then add a monitor to it.
            </p>
          </EmptyState>
        ) : (
          <MonitoredTable rows={state.value} />
        ))}
    </>
  )
}

function kinds(list: readonly Monitor[]): string {
  const counts = new Map<string, number>()
  for (const m of list) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1)
  return [...counts].map(([kind, n]) => (n > 1 ? `${n} ${kind}` : kind)).join(', ')
}

function MonitoredTable({
  rows,
}: {
  rows: readonly { deployment: Deployment; monitors: readonly Monitor[] }[]
}) {
  return (
    <DataTable columns={['Deployment', 'Model', 'Monitors']}>
      {rows.map(({ deployment: d, monitors: list }) => (
        <tr key={d.name}>
          <td>
            <Link href={`/monitoring/${encodeURIComponent(d.name)}`}>{d.name}</Link>
          </td>
          <td>
            {d.model} <span class="muted">v{d.version}</span>
          </td>
          <td>{list.length === 0 ? <span class="muted">none</span> : kinds(list)}</td>
        </tr>
      ))}
    </DataTable>
  )
}
