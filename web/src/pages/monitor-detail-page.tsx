import { useEffect } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, LoadError, Loading } from '../components/states'
import { useLive } from '../lib/use-live'
import {
  alertStates,
  monitorResults,
  monitors,
  monitorWithRules,
  takenActions,
  type AlertRule,
  type AlertState,
  type Monitor,
  type MonitorResult,
  type TakenAction,
} from '../monitoring-api'
import { deployment } from '../serving-api'
import { AlertTable } from './monitor-alerts'
import { DriftSection, SeriesSection } from './monitor-series'

export interface WatchedMonitor {
  readonly monitor: Monitor
  readonly rules: readonly AlertRule[]
  readonly results: readonly MonitorResult[]
}

async function load(name: string, signal: AbortSignal) {
  // The deployment first: an unknown name is one clear 404.
  await deployment(name, signal)
  const list = await monitors(name, signal)
  const watched = await Promise.all(
    list.map(async (monitor): Promise<WatchedMonitor> => {
      const [withRules, results] = await Promise.all([
        monitorWithRules(monitor.id, signal),
        monitorResults(monitor.id, signal),
      ])
      return { monitor, rules: withRules.alert_rules, results }
    }),
  )
  const ruleIds = new Set(watched.flatMap((w) => w.rules.map((r) => r.id)))
  const [states, actions] = await Promise.all([alertStates(signal), takenActions(signal)])
  return {
    watched,
    states: states.filter((s) => ruleIds.has(s.rule_id)),
    actions: actions.filter((a) => ruleIds.has(a.rule_id)),
  }
}

/** One deployment's monitors: drift per feature and performance over time, and its alerts. */
export function MonitorDetailPage({ name }: { name: string }) {
  // Windows close every few minutes: refresh while the page is open.
  const state = useLive((signal) => load(name, signal), [name], {
    intervalMs: 30_000,
    keepPolling: () => true,
  })
  useEffect(() => {
    document.title = `${name} · Monitoring · Lathe`
  }, [name])
  const crumbs = [{ label: 'Monitoring', href: '/monitoring' }]
  const header = (
    <PageHeader crumbs={crumbs} title={name}>
      <div class="meta-row">
        <Link href={`/deployments/${encodeURIComponent(name)}`}>Deployment</Link>
        <Link href={`/lineage/deployment/${encodeURIComponent(name)}`}>Lineage</Link>
      </div>
    </PageHeader>
  )
  if (state.status === 'loading') return <Loading label="Loading monitors…" />
  if (state.status === 'error') {
    return (
      <>
        {header}
        <LoadError
          error={state.error}
          missing={`There is no deployment named “${name}”`}
          failed="Could not load monitors"
          retry={state.reload}
        >
          <Link href="/monitoring" class="button">
            All deployments
          </Link>
        </LoadError>
      </>
    )
  }
  const { watched, states, actions } = state.value
  return (
    <>
      {header}
      {watched.length === 0 ? (
        <NoMonitors name={name} />
      ) : (
        <Sections watched={watched} states={states} actions={actions} />
      )}
    </>
  )
}

function Sections({
  watched,
  states,
  actions,
}: {
  watched: readonly WatchedMonitor[]
  states: readonly AlertState[]
  actions: readonly TakenAction[]
}) {
  const of = (kind: Monitor['kind']) => watched.filter((w) => w.monitor.kind === kind)
  return (
    <>
      <DriftSection watched={of('drift')} />
      <SeriesSection
        id="performance"
        title="Performance"
        watched={of('performance')}
        empty="No performance monitor: add one with a label field, then send ground truth to POST /api/v1/feedback."
      />
      <SeriesSection
        id="operational"
        title="Operations"
        watched={of('operational')}
        empty="No operational monitor."
      />
      <AlertTable watched={watched} states={states} actions={actions} />
    </>
  )
}

function NoMonitors({ name }: { name: string }) {
  return (
    <EmptyState title="No monitors watch this deployment">
      <p>
        Add one with <code>POST /api/v1/monitors</code>, e.g.{' '}
        <code>
          {`{"deployment":"${name}","kind":"drift","window_seconds":3600,"spec":{"reference":"train:1"}}`}
        </code>
        ; its drift, performance and alerts then show here.
      </p>
    </EmptyState>
  )
}
