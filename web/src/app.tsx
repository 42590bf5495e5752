import type { VNode } from 'preact'
import { useEffect } from 'preact/hooks'
import { Link } from './components/link'
import { EmptyState } from './components/states'
import { AuditPage } from './pages/audit-page'
import { ComparePage } from './pages/compare-page'
import { ContractPage } from './pages/contract-page'
import { DataPage } from './pages/data-page'
import { DatasetPage } from './pages/dataset-page'
import { DriftReportPage } from './pages/drift-report-page'
import { DeploymentPage } from './pages/deployment-page'
import { DeploymentsPage } from './pages/deployments-page'
import { ExperimentsPage } from './pages/experiments-page'
import { LineagePage, LineageStart } from './pages/lineage-page'
import { ModelPage } from './pages/model-page'
import { MonitorDetailPage } from './pages/monitor-detail-page'
import { MonitoringPage } from './pages/monitoring-page'
import { PipelineRunPage } from './pages/pipeline-run-page'
import { PipelinesPage } from './pages/pipelines-page'
import { ModelsPage } from './pages/models-page'
import { RunPage } from './pages/run-page'
import { RunsPage } from './pages/runs-page'
import { ValidationReportPage } from './pages/validation-report-page'
import { matchPath, navigate, useLocation } from './router'

/** A top-level area of the dashboard, listed in the navigation. */
interface Section {
  readonly id: string
  readonly label: string
  readonly href: string
}

/** The navigation, in the order of the lifecycle. */
const SECTIONS: readonly Section[] = [
  { id: 'data', label: 'Data', href: '/data' },
  { id: 'pipelines', label: 'Pipelines', href: '/pipelines' },
  { id: 'experiments', label: 'Experiments', href: '/experiments' },
  { id: 'models', label: 'Models', href: '/models' },
  { id: 'deployments', label: 'Deployments', href: '/deployments' },
  { id: 'monitoring', label: 'Monitoring', href: '/monitoring' },
  { id: 'lineage', label: 'Lineage', href: '/lineage' },
  { id: 'audit', label: 'Audit log', href: '/audit' },
]

interface Route {
  readonly pattern: string
  readonly section: string
  readonly render: (params: Record<string, string>, query: URLSearchParams) => VNode
}

const ROUTES: readonly Route[] = [
  { pattern: '/experiments', section: 'experiments', render: () => <ExperimentsPage /> },
  {
    pattern: '/experiments/:id',
    section: 'experiments',
    render: (p, q) => <RunsPage experimentId={p.id!} query={q} />,
  },
  {
    pattern: '/runs/:id',
    section: 'experiments',
    render: (p, q) => <RunPage runId={p.id!} query={q} />,
  },
  { pattern: '/compare', section: 'experiments', render: (_p, q) => <ComparePage query={q} /> },
  { pattern: '/lineage', section: 'lineage', render: () => <LineageStart /> },
  {
    pattern: '/lineage/:kind/*',
    section: 'lineage',
    render: (p, q) => <LineagePage root={{ kind: p.kind!, id: p['*']! }} query={q} />,
  },
  { pattern: '/audit', section: 'audit', render: (_p, q) => <AuditPage query={q} /> },
  { pattern: '/models', section: 'models', render: () => <ModelsPage /> },
  {
    pattern: '/models/:name',
    section: 'models',
    render: (p, q) => <ModelPage name={p.name!} query={q} />,
  },
  { pattern: '/deployments', section: 'deployments', render: () => <DeploymentsPage /> },
  {
    pattern: '/deployments/:name',
    section: 'deployments',
    render: (p) => <DeploymentPage name={p.name!} />,
  },
  { pattern: '/data', section: 'data', render: (_p, q) => <DataPage query={q} /> },
  {
    pattern: '/data/datasets/:name',
    section: 'data',
    render: (p, q) => <DatasetPage name={p.name!} query={q} />,
  },
  {
    pattern: '/data/contracts/:name',
    section: 'data',
    render: (p) => <ContractPage name={p.name!} />,
  },
  {
    pattern: '/data/drift/:id',
    section: 'data',
    render: (p) => <DriftReportPage id={p.id!} />,
  },
  {
    pattern: '/data/reports/:id',
    section: 'data',
    render: (p) => <ValidationReportPage id={p.id!} />,
  },
  { pattern: '/pipelines', section: 'pipelines', render: (_p, q) => <PipelinesPage query={q} /> },
  {
    pattern: '/pipelines/runs/:id',
    section: 'pipelines',
    render: (p, q) => <PipelineRunPage runId={p.id!} query={q} />,
  },
  { pattern: '/monitoring', section: 'monitoring', render: () => <MonitoringPage /> },
  {
    pattern: '/monitoring/:name',
    section: 'monitoring',
    render: (p) => <MonitorDetailPage name={p.name!} />,
  },
]

function resolve(path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path)
    if (params) return { route, params }
  }
  return undefined
}

export function App() {
  const { path, query } = useLocation()
  useEffect(() => {
    if (path === '/') navigate('/experiments', { replace: true })
  }, [path])
  const match = resolve(path)
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <aside class="sidebar">
        <Link href="/experiments" class="brand" aria-label="Lathe home">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>Lathe</span>
        </Link>
        <nav aria-label="Sections">
          <ul class="nav-list">
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <Link
                  href={s.href}
                  class="nav-link"
                  aria-current={match?.route.section === s.id ? 'page' : undefined}
                >
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <main id="main" class="main" tabIndex={-1}>
        {match ? (
          match.route.render(match.params, query)
        ) : path === '/' ? null : (
          <NotFound path={path} />
        )}
      </main>
    </div>
  )
}

function NotFound({ path }: { path: string }) {
  useEffect(() => {
    document.title = 'Not found · Lathe'
  }, [])
  return (
    <EmptyState title="There is no page here">
      <p>
        Nothing in the dashboard lives at <code>{path}</code>.
      </p>
      <Link href="/experiments" class="button">
        Go to experiments
      </Link>
    </EmptyState>
  )
}
