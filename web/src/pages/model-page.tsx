import { useEffect } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { LoadError, Loading } from '../components/states'
import { formatAge, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import {
  approvals,
  gatePolicy,
  getModel,
  modelVersions,
  type GatePolicy,
  type ModelVersion,
} from '../registry-api'
import { setQuery } from '../router'
import { ApprovalList } from './model-approvals'
import { GateReports } from './gate-reports'
import { AliasBadges } from './models-page'
import { DataTable } from '../components/data-table'

async function loadModel(name: string, signal: AbortSignal) {
  // The model first: an unknown name is one clear 404, not four.
  const model = await getModel(name, signal)
  const [versions, requests, policy] = await Promise.all([
    modelVersions(name, signal),
    approvals({ name }, signal),
    gatePolicy(name, signal),
  ])
  return { model, versions, requests, policy }
}

/** One registered model: aliases, approval requests, versions and the gate reports of one. */
export function ModelPage({ name, query }: { name: string; query: URLSearchParams }) {
  const state = useAsync((signal) => loadModel(name, signal), [name])
  useEffect(() => {
    document.title = `${name} · Models · Lathe`
  }, [name])
  const crumbs = [{ label: 'Models', href: '/models' }]
  if (state.status === 'loading') return <Loading label="Loading the model…" />
  if (state.status === 'error') {
    return (
      <>
        <PageHeader crumbs={crumbs} title={name} />
        <LoadError
          error={state.error}
          missing={`There is no model named “${name}”`}
          failed="Could not load the model"
          retry={state.reload}
        >
          <Link href="/models" class="button">
            All models
          </Link>
        </LoadError>
      </>
    )
  }
  const { model, versions, requests, policy } = state.value
  const selected = query.get('version') ?? versions[0]?.version
  return (
    <>
      <PageHeader crumbs={crumbs} title={model.name}>
        <div class="meta-row">
          <span class="muted">Aliases</span>
          <AliasBadges aliases={model.aliases ?? []} />
        </div>
        {model.description && <p class="muted">{model.description}</p>}
      </PageHeader>
      <ApprovalList requests={requests} onDecided={state.reload} />
      <section class="section" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <VersionTable versions={versions} selected={selected} />
      </section>
      <PolicySummary policy={policy} />
      {selected && <GateReports name={model.name} version={selected} />}
    </>
  )
}

function VersionTable({
  versions,
  selected,
}: {
  versions: readonly ModelVersion[]
  selected: string | undefined
}) {
  if (versions.length === 0) return <p class="muted">This model has no versions yet.</p>
  return (
    <DataTable columns={['Version', 'Aliases', 'Run', 'Created', 'Lineage', 'Gate reports']}>
      {versions.map((v) => (
        <tr key={v.version} class={v.version === selected ? 'is-selected' : undefined}>
          <td class="mono">v{v.version}</td>
          <td>
            {v.aliases?.length ? (
              <span class="badge-list">
                {v.aliases.map((a) => (
                  <span key={a} class="badge alias">
                    {a}
                  </span>
                ))}
              </span>
            ) : (
              <span class="muted">—</span>
            )}
          </td>
          <td class="mono">
            {v.run_id ? <Link href={`/runs/${v.run_id}`}>{v.run_id.slice(0, 8)}</Link> : '—'}
          </td>
          <td title={formatTime(v.creation_timestamp)}>{formatAge(v.creation_timestamp)}</td>
          <td>
            <Link
              href={`/lineage/model_version/${encodeURIComponent(v.name)}/${v.version}`}
              aria-label={`Lineage of version ${v.version}`}
            >
              Lineage
            </Link>
          </td>
          <td>
            <button
              type="button"
              class="button small"
              aria-pressed={v.version === selected}
              onClick={() => setQuery({ version: v.version }, { replace: false })}
            >
              Show v{v.version}
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  )
}

function PolicySummary({ policy }: { policy: GatePolicy }) {
  return (
    <section class="section" aria-labelledby="policy-title">
      <h2 id="policy-title">Promotion policy</h2>
      <dl class="summary card padded">
        <dt>Protected aliases</dt>
        <dd>{policy.protected_aliases.join(', ') || 'none'}</dd>
        <dt>Need approval</dt>
        <dd>{policy.approval_aliases.join(', ') || 'none'}</dd>
        <dt>Gates</dt>
        <dd>
          {policy.gates.length === 0
            ? 'none declared'
            : policy.gates.map((g) => String(g.name ?? g.kind)).join(', ')}
        </dd>
      </dl>
    </section>
  )
}
