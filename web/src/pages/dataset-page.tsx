import { useEffect } from 'preact/hooks'
import { ApiError } from '../api'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { ErrorState, Loading } from '../components/states'
import { Tabs } from '../components/tabs'
import { datasetVersion, datasetVersions, type DatasetVersion } from '../data-api'
import { formatAge, formatBytes, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { setQuery } from '../router'
import { DatasetProfile } from './dataset-profile'
import { DriftPanel } from './drift-panel'

const TABS = [
  { id: 'profile', label: 'Profile' },
  { id: 'drift', label: 'Drift' },
] as const

/** A dataset: its versions, the profile of one, and drift between two. */
export function DatasetPage({ name, query }: { name: string; query: URLSearchParams }) {
  const versions = useAsync((signal) => datasetVersions(name, signal), [name])
  useEffect(() => {
    document.title = `${name} · Data · Lathe`
  }, [name])
  const crumbs = [{ label: 'Data', href: '/data' }]
  if (versions.status === 'loading') return <Loading label="Loading versions…" />
  if (versions.status === 'error') {
    const isMissing = versions.error instanceof ApiError && versions.error.status === 404
    return (
      <>
        <PageHeader crumbs={crumbs} title={name} />
        <ErrorState
          error={versions.error}
          title={isMissing ? `There is no dataset named “${name}”` : 'Could not load it'}
          retry={isMissing ? undefined : versions.reload}
        >
          <Link href="/data" class="button">
            All datasets
          </Link>
        </ErrorState>
      </>
    )
  }
  const all = versions.value
  const selected = Number(query.get('version')) || all[0]?.version
  const tab = TABS.find((t) => t.id === query.get('tab'))?.id ?? 'profile'
  const reference =
    Number(query.get('reference')) || all.find((v) => v.version < (selected ?? 0))?.version
  return (
    <>
      <PageHeader crumbs={crumbs} title={`Dataset ${name}`} />
      <VersionTable versions={all} selected={selected} />
      {selected !== undefined && (
        <>
          <Tabs tabs={TABS} current={tab} />
          <div role="tabpanel" aria-labelledby={`tab-${tab}`}>
            {tab === 'profile' && <ProfileOf name={name} version={selected} />}
            {tab === 'drift' && (
              <DriftChoice name={name} versions={all} reference={reference} current={selected} />
            )}
          </div>
        </>
      )}
    </>
  )
}

function VersionTable({
  versions,
  selected,
}: {
  versions: readonly DatasetVersion[]
  selected: number | undefined
}) {
  return (
    <div class="table-scroll card section">
      <table class="table compact" aria-label="Dataset versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Aliases</th>
            <th scope="col" class="end">
              Rows
            </th>
            <th scope="col" class="end">
              Size
            </th>
            <th scope="col">Digest</th>
            <th scope="col">Added</th>
            <th scope="col">Lineage</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} class={v.version === selected ? 'is-selected' : undefined}>
              <th scope="row">
                <button
                  type="button"
                  class="link-button"
                  aria-pressed={v.version === selected}
                  onClick={() => setQuery({ version: String(v.version) }, { replace: false })}
                >
                  v{v.version}
                </button>
              </th>
              <td>{v.aliases.join(', ')}</td>
              <td class="end mono">{v.row_count.toLocaleString('en-US')}</td>
              <td class="end mono">{formatBytes(v.size_bytes)}</td>
              <td class="mono">{v.digest.slice(0, 12)}</td>
              <td title={formatTime(v.created_at)}>
                {formatAge(v.created_at)} by {v.created_by}
              </td>
              <td>
                <Link href={`/lineage/dataset_version/${encodeURIComponent(v.id)}`}>Show</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function ProfileOf({ name, version }: { name: string; version: number }) {
  const state = useAsync((signal) => datasetVersion(name, version, signal), [name, version])
  if (state.status === 'loading') return <Loading label="Loading the profile…" />
  if (state.status === 'error') {
    return (
      <ErrorState error={state.error} title="Could not load the profile" retry={state.reload} />
    )
  }
  return <DatasetProfile version={state.value} />
}

function DriftChoice({
  name,
  versions,
  reference,
  current,
}: {
  name: string
  versions: readonly DatasetVersion[]
  reference: number | undefined
  current: number
}) {
  if (versions.length < 2) {
    return (
      <p class="muted">
        Drift compares two versions: add another with <code>lathe data add FILE --name {name}</code>
        .
      </p>
    )
  }
  const picker = (label: string, key: 'reference' | 'version', value: number | undefined) => (
    <label class="inline-field">
      {label}
      <select
        class="input"
        value={value ?? ''}
        onChange={(e) => setQuery({ [key]: e.currentTarget.value }, { replace: false })}
      >
        {value === undefined && <option value="">choose</option>}
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <>
      <div class="toolbar">
        {picker('Reference', 'reference', reference)}
        {picker('Current', 'version', current)}
      </div>
      {reference !== undefined && reference !== current ? (
        <DriftPanel name={name} reference={reference} current={current} />
      ) : (
        <p class="muted">Choose two different versions to compare.</p>
      )}
    </>
  )
}
