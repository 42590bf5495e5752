import { useEffect } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { formatAge, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { deployments, describeTarget, type Deployment } from '../serving-api'
import { DataTable } from '../components/data-table'

/** Every deployment: what it serves, how, and where its release stands. */
export function DeploymentsPage() {
  const list = useAsync((signal) => deployments(signal), [])
  useEffect(() => {
    document.title = 'Deployments · Lathe'
  }, [])
  return (
    <>
      <PageHeader title="Deployments">
        <p class="muted">Model versions answering requests, and the releases moving them.</p>
      </PageHeader>
      {list.status === 'loading' && <Loading label="Loading deployments…" />}
      {list.status === 'error' && (
        <ErrorState error={list.error} title="Could not load deployments" retry={list.reload} />
      )}
      {list.status === 'ok' &&
        (list.value.length === 0 ? (
          <EmptyState title="No deployments yet">
            <p>
              Serve a model’s alias with{' '}
              <code>lathe deploy create NAME --model MODEL@champion</code>; its traffic, releases
              and monitors then show here.
            </p>
          </EmptyState>
        ) : (
          <DeploymentTable deployments={list.value} />
        ))}
    </>
  )
}

/** `v3` or `v3 → v4 (canary 10%)`. */
export function releaseSummary(d: Deployment): string {
  const r = d.release
  if (!r || r.status !== 'progressing') return `v${d.version}`
  return `v${r.stable_version ?? d.version} → v${r.candidate_version} (${r.strategy} ${r.weight}%)`
}

function DeploymentTable({ deployments }: { deployments: readonly Deployment[] }) {
  return (
    <DataTable columns={['Name', 'Model', 'Strategy', 'Serving', 'Last release', 'Updated']}>
      {deployments.map((d) => (
        <tr key={d.name}>
          <td>
            <Link href={`/deployments/${encodeURIComponent(d.name)}`}>{d.name}</Link>
          </td>
          <td>
            <Link href={`/models/${encodeURIComponent(d.model)}`}>{d.model}</Link>{' '}
            <span class="muted">{describeTarget(d.target)}</span>
          </td>
          <td>{d.strategy}</td>
          <td class="mono">{releaseSummary(d)}</td>
          <td>
            {d.release ? (
              <span class={`badge release-${d.release.status}`}>
                {d.release.status.replace('_', ' ')}
              </span>
            ) : (
              <span class="muted">—</span>
            )}
          </td>
          <td title={formatTime(d.updated_at)}>{formatAge(d.updated_at)}</td>
        </tr>
      ))}
    </DataTable>
  )
}
