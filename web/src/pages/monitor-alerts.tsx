import { Link } from '../components/link'
import { formatNumber, formatTime } from '../lib/format'
import type { AlertActionSpec, AlertRule, AlertState, TakenAction } from '../monitoring-api'
import type { WatchedMonitor } from './monitor-detail-page'
import { DataTable } from '../components/data-table'

function describeAction(a: AlertActionSpec): string {
  if (a.kind === 'retrain') return `retrain with ${a.pipeline}`
  if (a.kind === 'pin') return `pin v${a.version}`
  return 'roll back'
}

function ruleText(rule: AlertRule): string {
  const when = `${rule.metric} ${rule.op === 'above' ? '>' : '<'} ${rule.threshold}`
  return rule.for_windows > 1 ? `${when} for ${rule.for_windows} windows` : when
}

/** Every alert rule of the deployment's monitors, its state, and the actions its firings took. */
export function AlertTable({
  watched,
  states,
  actions,
}: {
  watched: readonly WatchedMonitor[]
  states: readonly AlertState[]
  actions: readonly TakenAction[]
}) {
  const rules = watched.flatMap((w) => w.rules.map((rule) => ({ rule, monitor: w.monitor })))
  const stateOf = new Map(states.map((s) => [s.rule_id, s]))
  return (
    <section class="section" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {rules.length === 0 ? (
        <p class="muted">
          No alert rules. Add one with <code>POST /api/v1/monitors/ID/alert-rules</code>, e.g.{' '}
          <code>{`{"metric":"drift.share","op":"above","threshold":0.3}`}</code>.
        </p>
      ) : (
        <DataTable
          label="Alert rules"
          columns={[
            'Rule',
            'Monitor',
            'State',
            { label: 'Last value', end: true },
            'Fired',
            'Resolved',
            'On firing',
          ]}
        >
          {rules.map(({ rule, monitor }) => {
            const s = stateOf.get(rule.id)
            const state = s?.state ?? 'not evaluated'
            const does = [
              ...(rule.actions ?? []).map(describeAction),
              ...rule.webhooks.map((url) => `webhook ${url}`),
            ]
            return (
              <tr key={rule.id}>
                <th scope="row" class="mono">
                  {ruleText(rule)}
                </th>
                <td>{monitor.kind}</td>
                <td>
                  <span class={`badge state-${state.replace(/\s/g, '-')}`}>{state}</span>
                </td>
                <td class="end mono">{formatNumber(s?.last_value ?? undefined)}</td>
                <td>{formatTime(s?.fired_at ?? undefined)}</td>
                <td>{formatTime(s?.resolved_at ?? undefined)}</td>
                <td class="wrap">
                  {does.length === 0 ? (
                    <span class="muted">notify only</span>
                  ) : (
                    does.map((text) => <div key={text}>{text}</div>)
                  )}
                </td>
              </tr>
            )
          })}
        </DataTable>
      )}
      {rules.length > 0 && <ActionTable actions={actions} rules={rules.map((r) => r.rule)} />}
    </section>
  )
}

function ActionTable({
  actions,
  rules,
}: {
  actions: readonly TakenAction[]
  rules: readonly AlertRule[]
}) {
  if (actions.length === 0) {
    return <p class="muted">No alert has triggered an action yet.</p>
  }
  const ruleOf = new Map(rules.map((r) => [r.id, r]))
  return (
    <DataTable
      label="Triggered actions"
      variant="compact"
      section
      columns={['Fired', 'Rule', 'Action', 'Status', 'Target', 'Error']}
    >
      {actions.map((a) => {
        const rule = ruleOf.get(a.rule_id)
        return (
          <tr key={`${a.rule_id}@${a.fired_at}#${a.index}`}>
            <td>{formatTime(a.fired_at)}</td>
            <td class="mono">{rule ? ruleText(rule) : a.rule_id}</td>
            <td>{a.kind}</td>
            <td>
              <span class={`badge status-${a.status}`}>{a.status}</span>
            </td>
            <td class="mono">
              {a.target && a.kind === 'retrain' ? (
                <Link href={`/pipelines/runs/${encodeURIComponent(a.target)}`}>{a.target}</Link>
              ) : (
                (a.target ?? '')
              )}
            </td>
            <td class="wrap danger">{a.error ?? ''}</td>
          </tr>
        )
      })}
    </DataTable>
  )
}
