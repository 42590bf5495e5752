import { useEffect } from 'preact/hooks'
import {
  contracts,
  datasets,
  driftReports,
  validationReports,
  type ContractSummary,
  type DatasetSummary,
} from '../data-api'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { Tabs } from '../components/tabs'
import { formatAge, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { DriftReportTable } from './drift-panel'
import { ReportTable } from './validation-report-page'
import { DataTable } from '../components/data-table'

const TABS = [
  { id: 'datasets', label: 'Datasets' },
  { id: 'contracts', label: 'Contracts' },
  { id: 'reports', label: 'Validation reports' },
  { id: 'drift', label: 'Drift reports' },
] as const

/** Datasets, contracts and validation reports, one tab each. */
export function DataPage({ query }: { query: URLSearchParams }) {
  const tab = TABS.find((t) => t.id === query.get('tab'))?.id ?? 'datasets'
  useEffect(() => {
    document.title = 'Data · Lathe'
  }, [])
  return (
    <>
      <PageHeader title="Data">
        <p class="muted">
          Versioned datasets with their profiles, the contracts they must meet, and every check.
        </p>
      </PageHeader>
      <Tabs tabs={TABS} current={tab} />
      <div role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'datasets' && <DatasetList />}
        {tab === 'contracts' && <ContractList />}
        {tab === 'reports' && <Reports />}
        {tab === 'drift' && <DriftReports />}
      </div>
    </>
  )
}

function DatasetList() {
  const list = useAsync((signal) => datasets(signal), [])
  if (list.status === 'loading') return <Loading label="Loading datasets…" />
  if (list.status === 'error') {
    return <ErrorState error={list.error} title="Could not load datasets" retry={list.reload} />
  }
  if (list.value.length === 0) {
    return (
      <EmptyState title="No datasets yet">
        <p>
          Add a file as a versioned dataset with <code>lathe data add FILE --name NAME</code> (CSV,
          Parquet, JSON Lines or Arrow); its profile is computed as it is stored.
        </p>
      </EmptyState>
    )
  }
  return <DatasetTable datasets={list.value} />
}

function DatasetTable({ datasets: list }: { datasets: readonly DatasetSummary[] }) {
  return (
    <DataTable label="Datasets" columns={['Name', 'Latest version', 'Versions', 'Updated']}>
      {list.map((d) => (
        <tr key={d.name}>
          <td>
            <Link href={`/data/datasets/${encodeURIComponent(d.name)}`}>{d.name}</Link>
          </td>
          <td class="mono">v{d.latest_version}</td>
          <td>{d.version_count}</td>
          <td title={formatTime(d.updated_at)}>{formatAge(d.updated_at)}</td>
        </tr>
      ))}
    </DataTable>
  )
}

function ContractList() {
  const list = useAsync((signal) => contracts(signal), [])
  if (list.status === 'loading') return <Loading label="Loading contracts…" />
  if (list.status === 'error') {
    return <ErrorState error={list.error} title="Could not load contracts" retry={list.reload} />
  }
  if (list.value.length === 0) {
    return (
      <EmptyState title="No contracts yet">
        <p>
          A contract names the columns, types and expectations a dataset must meet. Add one with{' '}
          <code>lathe contracts add contract.yaml</code>.
        </p>
      </EmptyState>
    )
  }
  return <ContractTable contracts={list.value} />
}

function ContractTable({ contracts: list }: { contracts: readonly ContractSummary[] }) {
  return (
    <DataTable label="Contracts" columns={['Name', 'Latest version', 'Updated']}>
      {list.map((c) => (
        <tr key={c.name}>
          <td>
            <Link href={`/data/contracts/${encodeURIComponent(c.name)}`}>{c.name}</Link>
          </td>
          <td class="mono">v{c.latest_version}</td>
          <td title={formatTime(c.updated_at)}>{formatAge(c.updated_at)}</td>
        </tr>
      ))}
    </DataTable>
  )
}

function Reports() {
  const list = useAsync((signal) => validationReports({}, signal), [])
  if (list.status === 'loading') return <Loading label="Loading reports…" />
  if (list.status === 'error') {
    return <ErrorState error={list.error} title="Could not load reports" retry={list.reload} />
  }
  if (list.value.length === 0) {
    return (
      <EmptyState title="No validation reports yet">
        <p>
          Check a dataset version against a contract with{' '}
          <code>lathe data validate NAME:VERSION --contract CONTRACT</code>.
        </p>
      </EmptyState>
    )
  }
  return <ReportTable reports={list.value} />
}

function DriftReports() {
  const list = useAsync((signal) => driftReports({}, signal), [])
  if (list.status === 'loading') return <Loading label="Loading drift reports…" />
  if (list.status === 'error') {
    return (
      <ErrorState error={list.error} title="Could not load drift reports" retry={list.reload} />
    )
  }
  if (list.value.length === 0) {
    return (
      <EmptyState title="No drift reports yet">
        <p>
          Compare two versions on a dataset’s <em>Drift</em> tab, or with{' '}
          <code>lathe data drift NAME:1 NAME:2</code>; every comparison is kept here.
        </p>
      </EmptyState>
    )
  }
  return <DriftReportTable reports={list.value} />
}
