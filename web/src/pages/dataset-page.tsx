import { useEffect, useState } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { ErrorState, LoadError, Loading } from '../components/states'
import { Tabs } from '../components/tabs'
import {
  compareVersions,
  datasetVersion,
  datasetVersions,
  driftReports,
  type DatasetVersion,
} from '../data-api'
import { formatAge, formatBytes, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { setQuery } from '../router'
import { DatasetProfile } from './dataset-profile'
import { DriftPanel, DriftReportTable } from './drift-panel'
import { DataTable } from '../components/data-table'

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
    return (
      <>
        <PageHeader crumbs={crumbs} title={name} />
        <LoadError
          error={versions.error}
          missing={`There is no dataset named “${name}”`}
          retry={versions.reload}
        >
          <Link href="/data" class="button">
            All datasets
          </Link>
        </LoadError>
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
              <DriftChoice
                name={name}
                versions={all}
                reference={reference}
                current={selected}
                reportId={query.get('drift') ?? undefined}
              />
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
    <DataTable
      label="Dataset versions"
      variant="compact"
      section
      columns={[
        'Version',
        'Aliases',
        { label: 'Rows', end: true },
        { label: 'Size', end: true },
        'Digest',
        'Added',
        'Lineage',
      ]}
    >
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
    </DataTable>
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
  reportId,
}: {
  name: string
  versions: readonly DatasetVersion[]
  reference: number | undefined
  current: number
  reportId: string | undefined
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
        onChange={(e) => setQuery({ [key]: e.currentTarget.value, drift: undefined })}
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
  const currentId = versions.find((v) => v.version === current)?.id
  return (
    <>
      <div class="toolbar">
        {picker('Reference', 'reference', reference)}
        {picker('Current', 'version', current)}
        <CompareButton
          name={name}
          reference={reference}
          current={current}
          onDone={(id) => setQuery({ drift: id }, { replace: false })}
        />
      </div>
      {reportId ? (
        <DriftPanel id={reportId} />
      ) : (
        currentId && <ReportsOf versionId={currentId} version={current} />
      )}
    </>
  )
}

/** Runs a comparison (stored as a report), then shows it. */
function CompareButton({
  name,
  reference,
  current,
  onDone,
}: {
  name: string
  reference: number | undefined
  current: number
  onDone: (reportId: string) => void
}) {
  const [error, setError] = useState<string | undefined>()
  const [isBusy, setBusy] = useState(false)
  const isSame = reference === undefined || reference === current
  const compare = async () => {
    setBusy(true)
    setError(undefined)
    try {
      onDone((await compareVersions(`${name}:${reference}`, `${name}:${current}`)).id)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <button type="button" class="button primary" disabled={isSame || isBusy} onClick={compare}>
        {isBusy ? 'Comparing…' : 'Compare'}
      </button>
      {isSame && <span class="muted">Choose two different versions.</span>}
      {error && (
        <span class="danger" role="alert">
          {error}
        </span>
      )}
    </>
  )
}

/** The stored drift reports with this version on either side. */
function ReportsOf({ versionId, version }: { versionId: string; version: number }) {
  const reports = useAsync(
    (signal) => driftReports({ dataset_version_id: versionId }, signal),
    [versionId],
  )
  if (reports.status === 'loading') return <Loading label="Loading drift reports…" />
  if (reports.status === 'error') {
    return (
      <ErrorState
        error={reports.error}
        title="Could not load drift reports"
        retry={reports.reload}
      />
    )
  }
  if (reports.value.length === 0) {
    return (
      <p class="muted">v{version} has not been compared yet: choose a reference and compare.</p>
    )
  }
  return <DriftReportTable reports={reports.value} />
}
