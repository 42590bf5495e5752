import { formatNumber, formatTime } from '../lib/format'
import type { AlertState } from '../monitoring-api'
import type { WatchedMonitor } from './monitor-detail-page'

/** Every alert rule of the deployment's monitors, its state and what it triggers. */
export function AlertTable({
  watched,
  states,
}: {
  watched: readonly WatchedMonitor[]
  states: readonly AlertState[]
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
        <div class="table-scroll card">
          <table class="table" aria-label="Alert rules">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Monitor</th>
                <th scope="col">State</th>
                <th scope="col" class="end">
                  Last value
                </th>
                <th scope="col">Fired</th>
                <th scope="col">Resolved</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rules.map(({ rule, monitor }) => {
                const s = stateOf.get(rule.id)
                const state = s?.state ?? 'not evaluated'
                return (
                  <tr key={rule.id}>
                    <th scope="row" class="mono">
                      {rule.metric} {rule.op === 'above' ? '>' : '<'} {rule.threshold}
                      {rule.for_windows > 1 && ` for ${rule.for_windows} windows`}
                    </th>
                    <td>{monitor.kind}</td>
                    <td>
                      <span class={`badge state-${state.replace(/\s/g, '-')}`}>{state}</span>
                    </td>
                    <td class="end mono">{formatNumber(s?.last_value ?? undefined)}</td>
                    <td>{formatTime(s?.fired_at ?? undefined)}</td>
                    <td>{formatTime(s?.resolved_at ?? undefined)}</td>
                    <td class="wrap">
                      {rule.webhooks.length === 0 ? (
                        <span class="muted">none</span>
                      ) : (
                        rule.webhooks.map((url) => <div key={url}>webhook {url}</div>)
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
